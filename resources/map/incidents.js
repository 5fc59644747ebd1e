/* Incidents (pins and clusters keyed by incident id) and their responders.
 *
 * Row layout (payload.incident_row + the pulse flag added by state.py):
 *   [id, lat, lng, severity, category, active, title, detail, responder|null, pulse]
 * responder: [unit label, lat, lng, en_route]
 *
 * A diff only updates the data (apply); the pins are drawn once per animation frame (render),
 * however many diffs arrived in between. Each pin keeps its element for as long as it is shown,
 * so a moved incident is a new position on the same element, never a remove and an add.
 * Clustering is a grid in world pixels at the current zoom: O(incidents) per frame, no index to
 * keep up to date, and the same clusters for the same data and zoom.
 */
(function () {
  "use strict";

  const ID = 0, LAT = 1, LNG = 2, SEV = 3, CAT = 4, ACTIVE = 5, TITLE = 6, DETAIL = 7, RESP = 8, PULSE = 9;
  const RANK = { critical: 3, high: 2, medium: 1, low: 0 };
  const CELL = 56; // px: pins in the same cell of this size are drawn as one cluster
  const CLUSTER_BELOW = 16; // from this zoom on every pin is drawn on its own
  const PIN = 28;
  const MARGIN = 120; // px beyond the view that are drawn too (a pan shows no empty edge)

  /* Web-Mercator position at zoom 0, in pixels (0–256): multiply by 2^z for any zoom. */
  function world(lat, lng) {
    const s = Math.sin((Math.max(-85.05, Math.min(85.05, lat)) * Math.PI) / 180);
    return [(256 * (lng + 180)) / 360, 256 * (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI))];
  }

  const PinLayer = L.Layer.extend({
    initialize: function (owner) {
      this.owner = owner;
    },
    onAdd: function (map) {
      map.getPane("setyPins").appendChild(this.owner.container);
      this.owner.request();
    },
    onRemove: function () {
      this.owner.container.remove();
      this.owner.clearShown();
    },
    getEvents: function () {
      const owner = this.owner;
      return { zoomend: () => owner.request(), viewreset: () => owner.request(), move: () => owner.request() };
    },
  });

  function Incidents(map, cfg) {
    this.map = map;
    this.cfg = cfg;
    this.items = new Map(); // id -> {row, wx, wy}
    this.shown = new Map(); // key -> {el, sig, x, y}
    this.unitParts = new Map();
    this.selected = null;
    this.dirty = true;
    this.framed = false;
    this.container = L.DomUtil.create("div", "sety-pins");
    L.DomEvent.disableClickPropagation(this.container);
    L.DomEvent.on(this.container, "click", (e) => this.onClick(e));
    L.DomEvent.on(this.container, "mouseover", (e) => this.onHover(e, true));
    L.DomEvent.on(this.container, "mouseout", (e) => this.onHover(e, false));
    this.tip = L.tooltip({ direction: "top", className: "sety-tip", offset: [0, -PIN / 2] });
    this.layer = new PinLayer(this);
    this.rings = new SetyMap.Rings(map, this.container, MARGIN);
    this.responders = new SetyMap.Units(map);
    this.units = this.responders.layer;
    this.unitParts = this.responders.parts;
  }

  Incidents.prototype.color = function (severity) {
    return this.cfg.severityColors[severity] || this.cfg.unknownColor;
  };

  /* {reset?, upsert: [rows], remove: [ids]}: the data changes now, the pins at the next frame. */
  Incidents.prototype.apply = function (diff) {
    if (diff.reset) {
      this.items.clear();
      this.responders.clear();
    }
    for (const id of diff.remove || []) {
      if (this.items.delete(id)) this.responders.sync(id, null, null);
    }
    for (const row of diff.upsert || []) {
      const old = this.items.get(row[ID]);
      if (old && old.row[LAT] === row[LAT] && old.row[LNG] === row[LNG]) old.row = row;
      else {
        const [wx, wy] = world(row[LAT], row[LNG]);
        this.items.set(row[ID], { row: row, wx: wx, wy: wy });
      }
      this.responders.sync(row[ID], row[RESP], row);
    }
    this.dirty = true;
  };

  /* Draw at the next frame (map moves call this many times a frame; it renders once). */
  Incidents.prototype.request = function () {
    this.dirty = true;
    if (this.framed) return;
    this.framed = true;
    const run = () => {
      this.framed = false;
      this.render();
    };
    if (document.hidden) setTimeout(run, 0);
    else requestAnimationFrame(run);
  };

  /* The groups to draw at the current zoom: [{key, items, wx, wy}] in world pixels at that zoom. */
  Incidents.prototype.groups = function (zoom) {
    const scale = Math.pow(2, zoom);
    const cells = new Map();
    const cell = zoom < CLUSTER_BELOW ? CELL : 3; // at close zooms only pins on the same spot group
    for (const item of this.items.values()) {
      const x = item.wx * scale, y = item.wy * scale;
      const key = Math.floor(x / cell) + ":" + Math.floor(y / cell);
      let group = cells.get(key);
      if (!group) cells.set(key, (group = { key: key, items: [], x: 0, y: 0 }));
      group.items.push(item);
      group.x += x;
      group.y += y;
    }
    for (const group of cells.values()) {
      group.x /= group.items.length;
      group.y /= group.items.length;
    }
    return { cells: cells, spread: zoom >= CLUSTER_BELOW };
  };

  Incidents.prototype.render = function () {
    if (!this.dirty) return;
    this.dirty = false;
    const map = this.map;
    if (!map.hasLayer(this.layer) || !map._loaded) return this.clearShown();
    const zoom = map.getZoom();
    const origin = map.getPixelOrigin();
    const view = map.getPixelBounds();
    const min = view.min.subtract([MARGIN, MARGIN]), max = view.max.add([MARGIN, MARGIN]);
    const { cells, spread } = this.groups(zoom);
    const wanted = new Set();
    for (const group of cells.values()) {
      if (group.x < min.x || group.x > max.x || group.y < min.y || group.y > max.y) continue;
      if (group.items.length === 1 || spread) {
        group.items.forEach((item, i) => {
          const [dx, dy] = fan(i, group.items.length);
          const key = "i:" + item.row[ID];
          wanted.add(key);
          this.place(key, this.pinSig(item.row), group.x + dx - origin.x, group.y + dy - origin.y, item);
        });
      } else {
        const key = "c:" + zoom + ":" + group.key;
        wanted.add(key);
        this.place(key, this.clusterSig(group.items), group.x - origin.x, group.y - origin.y, group);
      }
    }
    for (const [key, shown] of this.shown) {
      if (!wanted.has(key)) {
        shown.el.remove();
        this.shown.delete(key);
      }
    }
    this.rings.draw(this.shown.values());
    if (SetyMap.labels) SetyMap.labels.request();
  };

  /* Pins on the very same spot, at close zoom, spread on a small circle so each can be clicked. */
  function fan(i, n) {
    if (n === 1) return [0, 0];
    const angle = (2 * Math.PI * i) / n, radius = 10 + 2 * n;
    return [Math.round(radius * Math.cos(angle)), Math.round(radius * Math.sin(angle))];
  }

  Incidents.prototype.pinSig = function (row) {
    return [row[SEV], row[CAT], row[ACTIVE], row[PULSE], row[ID] === this.selected ? 1 : 0].join("|");
  };

  /* [rank, severity, pulse, count, has selected] of a cluster, as its drawing key. */
  Incidents.prototype.clusterSig = function (items) {
    let rank = -1, severity = "unknown", pulse = 0;
    for (const item of items) {
      const r = RANK[item.row[SEV]] === undefined ? -1 : RANK[item.row[SEV]];
      if (r > rank) {
        rank = r;
        severity = item.row[SEV];
      }
      pulse = pulse || item.row[PULSE];
    }
    return [severity, pulse ? 1 : 0, items.length].join("|");
  };

  /* Create or update the element for `key` at layer point (x, y); only what changed is touched. */
  Incidents.prototype.place = function (key, sig, x, y, what) {
    let shown = this.shown.get(key);
    if (!shown) {
      const el = L.DomUtil.create("div", "sety-inc", this.container);
      shown = { el: el, sig: null, x: NaN, y: NaN, half: key[0] === "i" ? PIN / 2 + 3 : 24, ring: null };
      this.shown.set(key, shown);
    }
    if (shown.sig !== sig) {
      shown.sig = sig;
      if (key[0] === "i") shown.ring = this.drawPin(shown.el, what.row);
      else shown.ring = this.drawCluster(shown.el, sig, what);
    }
    if (key[0] === "c") shown.el.setyGroup = what;
    if (shown.x !== x || shown.y !== y) {
      shown.x = x;
      shown.y = y;
      // left/top, not Leaflet's translate3d: a 3D transform gives every pin its own compositing
      // layer, and without a GPU hundreds of layers make each frame slow.
      shown.el.style.left = x + "px";
      shown.el.style.top = y + "px";
    }
  };

  Incidents.prototype.drawPin = function (el, row) {
    const selected = row[ID] === this.selected;
    const cls = ["sety-pin", "sev-" + row[SEV]];
    if (row[PULSE]) cls.push("pulse");
    if (!row[ACTIVE]) cls.push("closed");
    if (selected) cls.push("selected");
    el.setyId = row[ID];
    el.className = "sety-inc leaflet-interactive";
    el.style.zIndex = String(selected ? 10000 : (RANK[row[SEV]] || 0) * 100 + (row[ACTIVE] ? 1000 : 0));
    el.innerHTML =
      `<div class="${cls.join(" ")}" style="--c:${this.color(row[SEV])}">` +
      `<i class="glyph cat-${row[CAT]}"></i></div>`;
    return row[PULSE] ? [PIN / 2 + 1.5, this.color(row[SEV])] : null;
  };

  Incidents.prototype.drawCluster = function (el, sig, group) {
    const [severity, pulse, count] = sig.split("|");
    const size = count < 10 ? 34 : count < 100 ? 40 : 48;
    el.setyId = null;
    el.className = "sety-inc leaflet-interactive";
    el.style.zIndex = String(500 + (RANK[severity] || 0) * 100);
    el.innerHTML =
      `<div class="sety-cluster sev-${severity}${pulse === "1" ? " pulse" : ""}" ` +
      `style="--c:${this.color(severity)};width:${size}px;height:${size}px;margin:${-size / 2}px 0 0 ${-size / 2}px">` +
      `<span>${count}</span></div>`;
    return pulse === "1" ? [size / 2 + 1.5, this.color(severity)] : null;
  };

  Incidents.prototype.clearShown = function () {
    for (const shown of this.shown.values()) shown.el.remove();
    this.shown.clear();
    this.rings.draw(this.shown.values());
    this.map.closeTooltip(this.tip);
  };

  Incidents.prototype.target = function (e) {
    let el = e.target;
    while (el && el !== this.container && !(el.classList && el.classList.contains("sety-inc"))) el = el.parentNode;
    return el && el !== this.container ? el : null;
  };

  Incidents.prototype.onClick = function (e) {
    const el = this.target(e);
    if (!el) return;
    L.DomEvent.stop(e);
    if (el.setyId) {
      this.select(el.setyId, false);
      SetyMap.call("incidentClicked", el.setyId);
    } else if (el.setyGroup) this.zoomInto(el.setyGroup.items);
  };

  Incidents.prototype.zoomInto = function (items) {
    const bounds = L.latLngBounds(items.map((item) => [item.row[LAT], item.row[LNG]]));
    const zoom = Math.min(this.map.getBoundsZoom(bounds.pad(0.2)), CLUSTER_BELOW);
    this.map.setView(bounds.getCenter(), Math.max(zoom, this.map.getZoom() + 1));
  };

  Incidents.prototype.onHover = function (e, over) {
    const el = this.target(e);
    if (!el || !el.setyId) return;
    const item = this.items.get(el.setyId);
    if (!over || !item) return this.map.closeTooltip(this.tip);
    const row = item.row;
    this.tip.setLatLng([row[LAT], row[LNG]]).setContent(`<b>${SetyMap.esc(row[TITLE])}</b><br>${SetyMap.lines(row[DETAIL])}`);
    this.map.openTooltip(this.tip);
  };

  /* Highlight one incident (null: none). With pan, bring it into view: nothing moves when its pin
   * already shows well inside the map; else the map zooms until it stands alone, and centres it. */
  Incidents.prototype.select = function (id, pan) {
    this.selected = id;
    this.request();
    this.render();
    const item = this.items.get(id);
    if (!item || !pan) return;
    const latlng = L.latLng(item.row[LAT], item.row[LNG]);
    const inner = this.map.getBounds().pad(-0.08);
    if (this.shown.has("i:" + id) && inner.contains(latlng)) return;
    const zoom = this.map.getZoom();
    const alone = this.aloneZoom(item, Math.ceil(zoom));
    SetyMap.refit = false; // the view is now the operator's choice, not the automatic fit
    SetyMap.pendingFit = null;
    if (alone > zoom) this.map.setView(latlng, alone);
    else this.map.panTo(latlng);
  };

  /* The first zoom from `from` at which `item` shares its cluster cell with no other incident. */
  Incidents.prototype.aloneZoom = function (item, from) {
    for (let zoom = from; zoom < CLUSTER_BELOW; zoom++) {
      const scale = Math.pow(2, zoom) / CELL;
      const cx = Math.floor(item.wx * scale), cy = Math.floor(item.wy * scale);
      let shared = false;
      for (const other of this.items.values()) {
        if (other !== item && Math.floor(other.wx * scale) === cx && Math.floor(other.wy * scale) === cy) {
          shared = true;
          break;
        }
      }
      if (!shared) return zoom;
    }
    return CLUSTER_BELOW;
  };

  /* Bounds of the incidents (only the open ones with `activeOnly`); invalid when there are none. */
  Incidents.prototype.bounds = function (activeOnly) {
    const bounds = L.latLngBounds([]);
    for (const item of this.items.values()) {
      if (!activeOnly || item.row[ACTIVE]) bounds.extend([item.row[LAT], item.row[LNG]]);
    }
    return bounds;
  };

  /* Boxes (container pixels) of what is drawn, for labels to keep clear of. */
  Incidents.prototype.obstacles = function () {
    const boxes = [];
    const o = this.map.layerPointToContainerPoint([0, 0]);
    for (const shown of this.shown.values()) {
      const x = shown.x + o.x, y = shown.y + o.y, half = shown.half;
      boxes.push([x - half, y - half, x + half, y + half]);
    }
    for (const parts of this.unitParts.values()) {
      const p = this.map.latLngToContainerPoint(parts.marker.getLatLng());
      boxes.push([p.x - 8, p.y - 8, p.x + 8, p.y + 8]);
    }
    return boxes;
  };

  Incidents.prototype.position = function (id) {
    const item = this.items.get(id);
    return item ? [item.row[LAT], item.row[LNG]] : null;
  };

  Incidents.prototype.state = function () {
    let pulsing = 0, lines = 0;
    for (const item of this.items.values()) pulsing += item.row[PULSE] ? 1 : 0;
    for (const parts of this.unitParts.values()) lines += parts.line ? 1 : 0;
    const root = this.map.getContainer();
    return {
      incidents: this.items.size,
      pins: root.querySelectorAll(".sety-pin").length,
      clusters: root.querySelectorAll(".sety-cluster").length,
      pulsing: pulsing,
      ringsDrawn: this.rings.count,
      units: this.unitParts.size,
      unitLines: lines,
      selected: this.selected,
      selectedShown: root.querySelectorAll(".sety-pin.selected").length,
    };
  };

  /* Test helper: a DOM click on the pin when it is drawn. */
  Incidents.prototype.click = function (id) {
    const shown = this.shown.get("i:" + id);
    if (!shown) return false;
    shown.el.firstChild.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true }));
    return true;
  };

  window.SetyMap.Incidents = Incidents;
})();
