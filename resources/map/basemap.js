/* Basemap: tile status, and the offline look (neutral background, coordinate grid, small note).
 *
 * The tile layer reports each tile as loaded or failed; after failures with no tile loaded, or when
 * no tile has loaded within a few seconds, the map is "offline" until a tile loads again.
 */
(function () {
  "use strict";

  const GRID_STEPS = [20, 10, 5, 2, 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001];
  const FAILURES_BEFORE_OFFLINE = 2;
  const FIRST_TILE_TIMEOUT_MS = 4000;

  function Basemap(map, tileLayer, cfg, onStatus) {
    this.map = map;
    this.cfg = cfg;
    this.onStatus = onStatus;
    this.online = null;
    this.failures = 0;
    this.renderer = L.svg({ pane: "setyGrid", padding: 0.2 });
    this.grid = L.layerGroup();
    this.note = L.control({ position: "topright" });
    this.note.onAdd = () => {
      const div = L.DomUtil.create("div", "sety-offline-note");
      L.DomEvent.disableClickPropagation(div);
      div.textContent = this.tiles ? "Basemap offline: map data only" : "No basemap configured";
      return div;
    };
    map.on("moveend", () => this.online === false && this.drawGrid());
    this.attach(tileLayer);
  }

  Basemap.prototype.attach = function (tileLayer) {
    this.tiles = tileLayer;
    this.failures = 0;
    clearTimeout(this.timer);
    if (!tileLayer) {
      this.setOnline(false);
      return;
    }
    let loaded = false;
    tileLayer.on("tileload", () => {
      loaded = true;
      this.failures = 0;
      this.setOnline(true);
    });
    tileLayer.on("tileerror", () => {
      this.failures += 1;
      if (!loaded || this.failures >= FAILURES_BEFORE_OFFLINE) this.setOnline(false);
    });
    this.timer = setTimeout(() => loaded || this.setOnline(false), FIRST_TILE_TIMEOUT_MS);
  };

  /* Replace the tile source at run time: {url, attribution, maxZoom}; an empty url means none. */
  Basemap.prototype.setBasemap = function (v) {
    if (this.tiles) this.map.removeLayer(this.tiles);
    this.online = null;
    const layer = v.url
      ? L.tileLayer(v.url, { attribution: v.attribution || "", maxZoom: v.maxZoom || 19, subdomains: "abc" })
      : null;
    if (layer) layer.addTo(this.map);
    this.attach(layer);
  };

  Basemap.prototype.setOnline = function (online) {
    if (this.online === online) return;
    this.online = online;
    const container = this.map.getContainer();
    if (online) {
      L.DomUtil.removeClass(container, "sety-basemap-offline");
      this.note.remove();
      this.grid.remove();
    } else {
      L.DomUtil.addClass(container, "sety-basemap-offline");
      this.note.remove();
      this.note.addTo(this.map);
      this.grid.addTo(this.map);
      this.drawGrid();
    }
    this.onStatus(online);
  };

  function gridStep(span) {
    for (const step of GRID_STEPS) if (span / step >= 4) return step;
    return GRID_STEPS[GRID_STEPS.length - 1];
  }

  function label(value, step, positive, negative) {
    const decimals = Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
    return Math.abs(value).toFixed(decimals) + "°" + (value >= 0 ? positive : negative);
  }

  Basemap.prototype.drawGrid = function () {
    this.grid.clearLayers();
    const b = this.map.getBounds();
    const step = gridStep(Math.max(b.getNorth() - b.getSouth(), b.getEast() - b.getWest()) / 1.5);
    const style = { renderer: this.renderer, color: "#90a4ae", weight: 1, opacity: 0.5, interactive: false };
    const west = b.getWest(), east = b.getEast(), south = b.getSouth(), north = b.getNorth();
    const size = this.map.getSize();
    // Labels sit just inside the left and top edges, clear of the zoom buttons and the offline note.
    const text = (html, point, cls) => {
      if ((cls === "lat" && point.y < 90) || (cls === "lng" && (point.x < 60 || point.x > size.x - 240))) return;
      L.marker(this.map.containerPointToLatLng(point), {
        pane: "setyGrid",
        interactive: false,
        keyboard: false,
        icon: L.divIcon({ className: "sety-grid-label " + cls, html: html, iconSize: null }),
      }).addTo(this.grid);
    };
    for (let lat = Math.ceil(south / step) * step; lat <= north; lat += step) {
      L.polyline([[lat, west], [lat, east]], style).addTo(this.grid);
      text(label(lat, step, "N", "S"), L.point(4, this.map.latLngToContainerPoint([lat, west]).y), "lat");
    }
    for (let lng = Math.ceil(west / step) * step; lng <= east; lng += step) {
      L.polyline([[south, lng], [north, lng]], style).addTo(this.grid);
      text(label(lng, step, "E", "W"), L.point(this.map.latLngToContainerPoint([north, lng]).x, 4), "lng");
    }
  };

  window.SetyMap.Basemap = Basemap;
})();
