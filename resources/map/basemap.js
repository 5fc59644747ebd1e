/* Basemap: street tiles over a bundled coastline, area names where the streets are missing, and
 * words that say which of them the operator is looking at.
 *
 * The coastline (land, lagoons, lakes, creeks and rivers; coastline.js) lies under the tile layer,
 * so wherever a tile is missing the land and water still show. Python tells whether the tile
 * server answers (`setNetwork`); the page counts the tiles of the current view that loaded or
 * failed. From both it picks the note, the attribution (only what is drawn is credited) and
 * whether the area names show (they do wherever streets, which carry their own names, are missing).
 */
(function () {
  "use strict";

  const FIRST_TILE_TIMEOUT_MS = 4000;
  const COLORS = { water: "#a9c9e4", land: "#f3efe6", coast: "#7fa3c4", river: "#86b1da", outside: "#dde2e7" };

  function Basemap(map, tileLayer, cfg, onStatus) {
    this.map = map;
    this.cfg = cfg;
    this.onStatus = onStatus;
    this.online = null;
    this.net = { up: null, since: "" };
    this.view = { loaded: 0, failed: 0, pending: false };
    this.credits = new Set();
    this.coast = buildCoast(map, cfg);
    this.areas = L.layerGroup();
    this.areaRows = [];
    this.note = L.control({ position: "topright" });
    this.note.onAdd = () => {
      const div = L.DomUtil.create("div", "sety-offline-note");
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    this.note.addTo(map);
    this.attach(tileLayer);
  }

  /* Land, water and rivers of the bundled cut, on a canvas below the tiles; beyond the cut's box
   * the map stays neutral grey (no data), so the edge of the data never looks like a coast. */
  function buildCoast(map, cfg) {
    const group = L.layerGroup();
    const data = window.SetyCoastline;
    if (!data) return null;
    const renderer = L.canvas({ pane: "setyCoast" });
    const [w, s, e, n] = data.bbox;
    const flat = { renderer: renderer, interactive: false, stroke: false, fillOpacity: 1 };
    L.rectangle([[s, w], [n, e]], Object.assign({}, flat, { fillColor: COLORS.water })).addTo(group);
    for (const shape of data.shapes) {
      const land = shape.kind === "land";
      L.polygon(shape.rings, {
        renderer: renderer,
        interactive: false,
        fillOpacity: 1,
        fillColor: land ? COLORS.land : COLORS.water,
        color: COLORS.coast,
        weight: 0.8,
      }).addTo(group);
    }
    for (const line of data.rivers) {
      L.polyline(line, { renderer: renderer, interactive: false, color: COLORS.river, weight: 1.6 }).addTo(group);
    }
    group.addTo(map);
    return group;
  }

  Basemap.prototype.attach = function (tileLayer) {
    if (this.tiles && this.tiles !== tileLayer) this.map.removeLayer(this.tiles);
    this.tiles = tileLayer;
    this.view = { loaded: 0, failed: 0, pending: Boolean(tileLayer) };
    clearTimeout(this.timer);
    if (tileLayer) {
      this.tileCredit = tileLayer.options.attribution || "";
      // Credited only while its tiles are drawn (see credit()), not merely because the layer exists.
      if (this.tileCredit) this.map.attributionControl.removeAttribution(this.tileCredit);
      tileLayer.getAttribution = () => null;
      tileLayer.on("loading", () => {
        this.view = { loaded: 0, failed: 0, pending: true };
      });
      tileLayer.on("tileload", () => {
        this.view.loaded += 1;
        this.setOnline(true);
      });
      tileLayer.on("tileerror", () => {
        this.view.failed += 1;
      });
      tileLayer.on("load", () => {
        this.view.pending = false;
        if (!this.view.loaded) this.setOnline(false);
        this.update();
      });
      this.timer = setTimeout(() => {
        if (!this.view.loaded) {
          this.view.pending = false;
          this.setOnline(false);
          this.update();
        }
      }, FIRST_TILE_TIMEOUT_MS);
    } else {
      this.setOnline(false);
    }
    this.update();
  };

  /* Replace the tile source at run time: {url, attribution, maxZoom}; an empty url means none. */
  Basemap.prototype.setBasemap = function (v) {
    this.online = null;
    const layer = v.url
      ? L.tileLayer(v.url, { attribution: v.attribution || "", maxZoom: v.maxZoom || 19, subdomains: "abc" })
      : null;
    if (layer) layer.addTo(this.map);
    this.attach(layer);
  };

  /* From Python: {up: true|false|null, since: "15:02 WAT"} (local time): does the tile server answer? */
  Basemap.prototype.setNetwork = function (v) {
    this.net = v || { up: null, since: "" };
    this.update();
  };

  /* From Python: [[name, lat, lng]…], the areas the incidents fall in. */
  Basemap.prototype.setAreas = function (rows) {
    this.areaRows = rows || [];
    this.areas.clearLayers();
    for (const [name, lat, lng] of this.areaRows) {
      L.marker([lat, lng], {
        pane: "setyLabels",
        interactive: false,
        keyboard: false,
        icon: L.divIcon({ className: "sety-area", html: `<span class="sety-label">${SetyMap.esc(name)}</span>`, iconSize: null }),
      }).addTo(this.areas);
    }
    if (SetyMap.labels) SetyMap.labels.request();
  };

  Basemap.prototype.setOnline = function (online) {
    if (this.online === online) return;
    this.online = online;
    this.onStatus(online);
  };

  /* What is drawn now: "streets" (every tile of the view), "partial", or "coast" (no tiles). */
  Basemap.prototype.drawn = function () {
    if (!this.tiles) return "coast";
    if (this.view.pending) return this.view.loaded ? "partial" : "waiting";
    if (!this.view.loaded) return "coast";
    return this.view.failed ? "partial" : "streets";
  };

  Basemap.prototype.update = function () {
    let drawn = this.drawn();
    if (drawn === "waiting" && this.lastDrawn) drawn = this.lastDrawn; // a pan keeps the look until its tiles answer
    this.lastDrawn = drawn;
    const container = this.map.getContainer();
    L.DomUtil[drawn === "coast" ? "addClass" : "removeClass"](container, "sety-basemap-offline");
    this.credit(this.tileCredit, this.tiles && this.view.loaded > 0);
    this.credit(this.cfg.coastAttribution, Boolean(this.coast) && drawn !== "streets");
    const wantAreas = drawn === "coast" || drawn === "partial";
    if (wantAreas && !this.map.hasLayer(this.areas)) this.areas.addTo(this.map);
    if (!wantAreas && this.map.hasLayer(this.areas)) this.map.removeLayer(this.areas);
    const text = this.noteText(drawn);
    const div = this.note.getContainer();
    div.textContent = text;
    div.style.display = text ? "" : "none";
    if (SetyMap.labels) SetyMap.labels.request();
  };

  Basemap.prototype.credit = function (text, on) {
    if (!text) return;
    if (on && !this.credits.has(text)) {
      this.credits.add(text);
      this.map.attributionControl.addAttribution(text);
    } else if (!on && this.credits.has(text)) {
      this.credits.delete(text);
      this.map.attributionControl.removeAttribution(text);
    }
  };

  Basemap.prototype.noteText = function (drawn) {
    const coast = this.coast ? "coastline and area names only" : "no map background here";
    if (!this.tiles) return "No street map configured: " + coast;
    if (drawn === "waiting") return "";
    if (this.net.up === false) {
      const down = `Tile server unreachable since ${this.net.since}: `;
      if (drawn === "streets") return down + "streets from this computer's cache";
      if (drawn === "partial") return down + "cached streets where seen before, elsewhere " + coast;
      return down + coast;
    }
    if (drawn === "coast") return "Street tiles not loading: " + coast;
    return "";
  };

  Basemap.prototype.state = function () {
    const control = this.map.attributionControl.getContainer();
    return {
      basemapDrawn: this.lastDrawn || this.drawn(),
      basemapNote: this.note.getContainer().style.display === "none" ? "" : this.note.getContainer().textContent,
      attribution: control ? control.textContent : "",
      areaNames: this.map.hasLayer(this.areas) ? this.areaRows.map((r) => r[0]) : [],
      coastShapes: this.coast ? this.coast.getLayers().length : 0,
    };
  };

  window.SetyMap.Basemap = Basemap;
})();
