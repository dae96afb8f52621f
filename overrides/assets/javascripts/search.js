/* The header's search box, searched with Pagefind in the page's language (overrides/partials/search.html).
   `make site` builds one index per language under pagefind/ at the site's root (tools/build.py). The
   script loads Pagefind on the first query only, and Pagefind fetches only the chunks a query needs.
   Keys as in Material: "/", "s" or "f" open the search, Escape closes it, the arrows move through the
   results (Tab reaches them too), Enter opens the first one. */
(() => {
  "use strict";
  const box = document.querySelector("[data-fpm-search]");
  const toggle = document.getElementById("__search");
  if (!box || !toggle) return;
  const form = box.querySelector("form");
  const input = box.querySelector(".md-search__input");
  const kind = box.querySelector(".fpm-search-filter select");
  const meta = box.querySelector(".md-search-result__meta");
  const list = box.querySelector(".md-search-result__list");
  const templates = { result: box.querySelector("template[data-fpm-result]"), sub: box.querySelector("template[data-fpm-sub]") };
  const text = box.dataset;
  const bundle = new URL(text.fpmBundle, location.href); // resolved once: instant navigation changes location
  const scrollwrap = box.querySelector(".md-search__scrollwrap");
  // Results are drawn a batch at a time, the next one when the reader scrolls near the end of the list
  // (as Material draws 10, then 4 by 4): each result costs its page's fragment, about 1.3 KB.
  const BATCH = 5, MAX_SECTIONS = 3, NEAR_PX = 100;
  // A query runs once typing pauses this long (Pagefind's own UI waits 300 ms): each query fetches its
  // results' fragments, and a reader typing "carbone" key by key should not fetch those of "c", "ca"...
  const PAUSE_MS = 250;

  // The Pagefind module, initialised for the language of the page (<html lang>, which Pagefind reads).
  let engine = null, engineLang = null;
  function pagefind() {
    const lang = document.documentElement.lang;
    if (!engine || engineLang !== lang) {
      const previous = engine;
      engineLang = lang;
      engine = (async () => {
        if (previous) await (await previous).destroy();
        const module = await import(new URL("pagefind.js", bundle).href);
        // Result URLs are relative to the site's root (the bundle's parent), wherever it is served.
        await module.options({ baseUrl: new URL("..", bundle).pathname, noWorker: true, excerptLength: 24 });
        await module.init();
        return module;
      })();
      engine.catch(() => { engine = null; });
    }
    return engine;
  }

  let latest = 0, timer = 0, pending = [], drawing = false;
  async function run() {
    const query = input.value.trim(), ticket = ++latest;
    if (text.fpmAvailable !== "true") return; // the box already says search is not in the preview
    pending = [];
    if (!query) {
      meta.textContent = text.fpmPlaceholder;
      list.replaceChildren();
      return;
    }
    try {
      const module = await pagefind();
      const search = await module.search(query, kind.value ? { filters: { kind: kind.value } } : {});
      if (ticket !== latest) return; // a newer query runs: fetch nothing more for this one
      const pages = await Promise.all(search.results.slice(0, BATCH).map(result => result.data()));
      if (ticket !== latest) return;
      meta.textContent = count(search.results.length);
      list.replaceChildren(...pages.map(item));
      pending = search.results.slice(BATCH);
      more();
    } catch (error) {
      if (ticket === latest) meta.textContent = text.fpmError;
    }
  }

  // The next batch, if the open list's end is in view (or near it) and results are left to draw.
  async function more() {
    if (drawing || !pending.length || !toggle.checked) return;
    if (list.getBoundingClientRect().bottom > scrollwrap.getBoundingClientRect().bottom + NEAR_PX) return;
    const ticket = latest, batch = pending.splice(0, BATCH);
    drawing = true;
    try {
      const pages = await Promise.all(batch.map(result => result.data()));
      if (ticket === latest) list.append(...pages.map(item));
    } catch (error) {
      if (ticket === latest) meta.textContent = text.fpmError;
    } finally {
      drawing = false;
    }
    more(); // this batch may not fill the view, or a newer query waited for this one
  }

  function count(n) {
    return n === 0 ? text.fpmNone : n === 1 ? text.fpmOne : text.fpmOther.replace("#", n);
  }

  function item(page) {
    const element = templates.result.content.firstElementChild.cloneNode(true);
    fill(element.querySelector("a"), page.url, page.meta.title || page.url, page.excerpt);
    element.querySelector("[data-fpm-section]").textContent = page.meta.section || "";
    const sections = page.sub_results.filter(sub => sub.url !== page.url).slice(0, MAX_SECTIONS);
    for (const sub of sections) {
      const subLink = templates.sub.content.firstElementChild.cloneNode(true);
      fill(subLink, sub.url, sub.title, sub.excerpt);
      element.append(subLink);
    }
    return element;
  }

  function fill(link, url, title, excerpt) {
    link.href = url;
    link.querySelector("[data-fpm-title]").textContent = title;
    link.querySelector("[data-fpm-excerpt]").replaceChildren(...marked(excerpt));
  }

  // Pagefind's excerpt is escaped text with <mark> around the matched words: keep the text and the marks only.
  function marked(excerpt) {
    const parsed = new DOMParser().parseFromString(`<p>${excerpt}</p>`, "text/html").body.firstChild;
    return [...parsed.childNodes].map(node => node.nodeName === "MARK"
      ? Object.assign(document.createElement("mark"), { textContent: node.textContent })
      : document.createTextNode(node.textContent));
  }

  function open() {
    toggle.checked = true;
    input.focus();
    input.select();
  }

  function close() {
    toggle.checked = false;
    input.blur();
  }

  function typing(element) {
    return element && (element.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(element.tagName));
  }

  // Focus moves through the query and the results' links, as Material's arrows do.
  function move(step) {
    const stops = [input, ...list.querySelectorAll("a[href]")];
    const at = stops.indexOf(document.activeElement);
    stops[(Math.max(at, 0) + step + stops.length) % stops.length].focus();
  }

  scrollwrap.addEventListener("scroll", more, { passive: true });
  list.addEventListener("focusin", more); // the arrows and Tab reach the last results drawn: draw more
  input.addEventListener("focus", () => { toggle.checked = true; });
  toggle.addEventListener("change", () => (toggle.checked ? (input.focus(), more()) : input.blur()));
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, input.value.trim() ? PAUSE_MS : 0); // an emptied box clears at once
  });
  kind.addEventListener("change", run);
  form.addEventListener("submit", event => { event.preventDefault(); list.querySelector("a[href]")?.click(); });
  form.addEventListener("reset", () => setTimeout(() => { run(); input.focus(); }));
  list.addEventListener("click", event => { if (event.target.closest("a[href]")) toggle.checked = false; });
  document.addEventListener("keydown", event => {
    if (event.metaKey || event.ctrlKey || event.altKey) return;
    if (!toggle.checked) {
      if (["/", "s", "f"].includes(event.key) && !typing(document.activeElement)) {
        event.preventDefault();
        open();
      }
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    } else if ((event.key === "ArrowDown" || event.key === "ArrowUp") && document.activeElement !== kind) {
      event.preventDefault();
      move(event.key === "ArrowDown" ? 1 : -1);
    }
  });
})();
