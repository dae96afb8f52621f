// Loads a built partners page in jsdom as if served at http://site.test/, with its own scripts (Leaflet,
// land.js, partners-map.js) read from the built site and every request to another host refused (tiles
// blocked); prints what a reader gets as JSON:
//   node tests/test_data_map_dom.cjs SITE_DIR en/partners/index.html [kind] [region]
"use strict";
const fs = require("fs");
const path = require("path");
const { JSDOM, ResourceLoader, VirtualConsole } = require("jsdom");

const [siteDir, page, kind = "", region = ""] = process.argv.slice(2);
const ORIGIN = "http://site.test/";
const refused = [];
class SiteOnly extends ResourceLoader {
  fetch(url, options) {
    if (url.startsWith(ORIGIN)) {
      const file = path.join(siteDir, decodeURIComponent(new URL(url).pathname));
      return Promise.resolve(fs.readFileSync(file.endsWith("/") ? file + "index.html" : file));
    }
    refused.push(url);
    return Promise.reject(new Error("blocked: " + url));
  }
}
const errors = [];
const virtualConsole = new VirtualConsole();
virtualConsole.on("jsdomError", (e) => errors.push(String(e.message || e)));
virtualConsole.on("error", (e) => errors.push(String(e)));

const dom = new JSDOM(fs.readFileSync(path.join(siteDir, page)), {
  url: ORIGIN + page, runScripts: "dangerously", resources: new SiteOnly(), virtualConsole, pretendToBeVisual: true,
  // jsdom lacks matchMedia and ResizeObserver, which every browser has and the theme's script uses
  // (without them it would fetch a polyfill from another host).
  beforeParse(window) {
    window.ResizeObserver = class { observe() {} unobserve() {} disconnect() {} };
    window.matchMedia = () => ({ matches: false, addListener() {}, removeListener() {},
                                 addEventListener() {}, removeEventListener() {} });
  },
});
const { window } = dom;
window.addEventListener("load", () => {
  const doc = window.document;
  const block = doc.querySelector(".fpm-partners-map");
  const form = block.querySelector(".fpm-map-filters");
  form.elements.kind.value = kind;
  form.elements.region.value = region;
  form.dispatchEvent(new window.Event("change", { bubbles: true }));
  const markers = Array.from(doc.querySelectorAll(".leaflet-marker-pane .fpm-marker"));
  console.log(JSON.stringify({
    leaflet: typeof window.L === "object", ready: block.getAttribute("data-ready"),
    land: Array.isArray(window.FPM_LAND) ? window.FPM_LAND.length : 0,
    markers: markers.map((m) => m.getAttribute("title")),
    shown: Array.from(block.querySelectorAll(".fpm-map-list li")).filter((li) => !li.hidden).map((li) => li.dataset.id),
    count: block.querySelector(".fpm-map-count").textContent,
    filtersVisible: !form.hidden, canvasVisible: !block.querySelector(".fpm-map-canvas").hidden,
    staticMapHidden: block.querySelector(".fpm-svg-map").hidden,
    tiles: block.getAttribute("data-tiles"), tileImages: doc.querySelectorAll(".leaflet-tile").length,
    refused, errors,
  }));
  window.close();
});
