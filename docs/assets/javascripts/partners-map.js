/* Partners map: one Leaflet marker per partner or event of the list below the map, read from the
   list's data attributes (data-lat, data-lon, data-kind, data-region); filters by kind and region.
   Tiles are optional (mkdocs.yml extra.partners_map.tiles): the land outlines come from land.js,
   served by the site, so markers, list and filters work offline or with tiles blocked. Without
   JavaScript the static SVG map and the full list stay. */
(function () {
  "use strict";

  function popup(li) {
    var box = document.createElement("div");
    Array.prototype.forEach.call(li.childNodes, function (node) { box.appendChild(node.cloneNode(true)); });
    return box;
  }

  function init(block) {
    if (!window.L || block.getAttribute("data-ready") !== null) return;
    var canvas = block.querySelector(".fpm-map-canvas");
    var form = block.querySelector(".fpm-map-filters");
    var staticMap = block.querySelector(".fpm-svg-map");
    var items = Array.prototype.slice.call(block.querySelectorAll(".fpm-map-list li[data-id]"));
    canvas.hidden = false;
    form.hidden = false;
    if (staticMap) staticMap.hidden = true;

    var map = L.map(canvas, { worldCopyJump: true, minZoom: 1, maxZoom: 12 }).setView([20, 15], 2);
    var tiles = block.getAttribute("data-tiles");
    if (tiles) {
      L.tileLayer(tiles, { attribution: block.getAttribute("data-attribution") || "", maxZoom: 12 }).addTo(map);
    }
    if (window.FPM_LAND) {
      L.polygon(window.FPM_LAND, { color: "#a9b89c", weight: 0.6, fillColor: "#dfe7d6", fillOpacity: tiles ? 0 : 1,
                                   interactive: false }).addTo(map);
    }

    // Markers at the same place are drawn around it on a small ring; their coordinates stay exact.
    var counts = {}, seen = {};
    items.forEach(function (li) {
      if (li.dataset.lat) { var key = li.dataset.lat + "," + li.dataset.lon; counts[key] = (counts[key] || 0) + 1; }
    });
    var markers = [];
    items.forEach(function (li) {
      if (!li.dataset.lat) return;
      var key = li.dataset.lat + "," + li.dataset.lon, n = counts[key];
      var i = seen[key] = seen[key] === undefined ? 0 : seen[key] + 1;
      var dx = n > 1 ? Math.round(9 * Math.sin(2 * Math.PI * i / n)) : 0;
      var dy = n > 1 ? -Math.round(9 * Math.cos(2 * Math.PI * i / n)) : 0;
      var name = li.querySelector(".fpm-item-name").textContent;
      var marker = L.marker([Number(li.dataset.lat), Number(li.dataset.lon)], {
        title: name, alt: name, keyboard: true,
        icon: L.divIcon({ className: "fpm-marker" + (li.dataset.type === "event" ? " fpm-marker--event" : ""),
                          iconSize: [14, 14], iconAnchor: [7 - dx, 7 - dy] })
      });
      marker.bindPopup(popup(li));
      marker.addTo(map);
      markers.push({ li: li, marker: marker });
    });

    function apply() {
      var kind = form.elements.kind.value, region = form.elements.region.value, shown = 0;
      items.forEach(function (li) {
        var visible = (!kind || li.dataset.kind === kind) && (!region || li.dataset.region === region);
        li.hidden = !visible;
        if (visible) shown += 1;
      });
      markers.forEach(function (m) {
        if (m.li.hidden) { m.marker.remove(); } else if (!map.hasLayer(m.marker)) { m.marker.addTo(map); }
      });
      block.querySelector(".fpm-map-count").textContent = String(shown);
    }
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    block.setAttribute("data-ready", String(markers.length));
  }

  function start() { Array.prototype.forEach.call(document.querySelectorAll(".fpm-partners-map"), init); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
