/* Sety map page: the bridge to Python, batch dispatch, layers, view, legend and the right-click menu.
 *
 * Python pushes batches (sety_console/ui/map/state.py) through QWebChannel. A batch updates the
 * page's data at once; the incident pins are redrawn once in the next animation frame, whatever
 * number of batches arrived, and that frame acknowledges each batch with bridge.ack(seq, ms):
 * "drawn", not just "received". basemap.js, incidents.js, labels.js and intel.js add their parts
 * to the SetyMap namespace defined here.
 */
(function () {
  "use strict";

  const SetyMap = {
    map: null,
    cfg: null,
    bridge: null,
    layers: {},
    lastSeq: 0,
    errors: [],
    autoFit: true,
    waiting: [],
  };
  window.SetyMap = SetyMap;

  const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  SetyMap.esc = function (text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, (c) => ESCAPES[c]);
  };
  SetyMap.lines = function (text) {
    return SetyMap.esc(text).replace(/\n/g, "<br>");
  };
  SetyMap.call = function (method, ...args) {
    if (SetyMap.bridge && SetyMap.bridge[method]) SetyMap.bridge[method](...args);
  };

  function pane(map, name, zIndex, interactive) {
    const el = map.createPane(name);
    el.style.zIndex = String(zIndex);
    if (!interactive) el.style.pointerEvents = "none";
    return name;
  }

  SetyMap.init = function (map, tileLayer, cfg) {
    try {
      build(map, tileLayer, cfg);
    } finally {
      connect(); // whatever failed above, Python must hear from the page (and see the error logged)
    }
  };

  function build(map, tileLayer, cfg) {
    SetyMap.map = map;
    SetyMap.cfg = cfg;
    // Fitting the view to the incidents may stop between zoom levels: a whole level either way
    // often leaves half the map empty or cuts incidents off. Buttons and the wheel still step by 1.
    map.options.zoomSnap = 0.25;
    map.attributionControl.setPrefix(cfg.attributionPrefix);
    pane(map, "setyCoast", 150, false); // under the tiles (200): shows where a tile is missing
    pane(map, "setyZones", 410, true);
    pane(map, "setyLabels", 440, false);
    pane(map, "setyRoute", 450, true);
    pane(map, "setyUnits", 460, false);
    pane(map, "setyPins", 620, true); // over units (600), under tooltips (650)
    SetyMap.labels = new SetyMap.Labels(map);
    SetyMap.basemap = new SetyMap.Basemap(map, tileLayer, cfg, (online) =>
      SetyMap.call("basemapStatus", online)
    );
    SetyMap.incidents = new SetyMap.Incidents(map, cfg);
    SetyMap.intel = new SetyMap.Intel(map, cfg);
    SetyMap.layers = {
      incidents: SetyMap.incidents.layer,
      responders: SetyMap.incidents.units,
      zones: SetyMap.intel.zones,
      heatmap: SetyMap.intel.heat,
      safe_zones: SetyMap.intel.safe,
      route: SetyMap.intel.route,
    };
    for (const name of ["heatmap", "zones", "route", "safe_zones", "responders", "incidents"]) {
      SetyMap.layers[name].addTo(map);
    }
    SetyMap.addLegend(map, cfg);
    installMenu(map);
    // A resized map that still shows the automatic view fits it again (the operator has not moved it).
    map.on("resize", () => {
      if (SetyMap.pendingFit) fit(...SetyMap.pendingFit);
      else if (SetyMap.refit && SetyMap.lastFit) fit(SetyMap.lastFit[0], SetyMap.lastFit[1], true);
    });
    fitArea(map, cfg, true);
    // The first incidents fit the view, unless the operator already moved the map.
    for (const type of ["mousedown", "wheel", "keydown", "touchstart"]) {
      L.DomEvent.on(map.getContainer(), type, () => {
        SetyMap.autoFit = false;
        SetyMap.refit = false;
      });
    }
    map.on("click", (e) => SetyMap.call("mapClicked", e.latlng.lat, e.latlng.lng));
    const zoomClass = () => L.DomUtil[map.getZoom() < 13 ? "addClass" : "removeClass"](map.getContainer(), "sety-far");
    map.on("zoomend", zoomClass);
    zoomClass();
  }

  function connect() {
    if (typeof qt === "undefined" || !qt.webChannelTransport) {
      console.warn("SetyMap: no Qt web channel; the page only shows what it was built with");
      return;
    }
    new QWebChannel(qt.webChannelTransport, (channel) => {
      SetyMap.bridge = channel.objects.bridge;
      SetyMap.bridge.push.connect((json) => SetyMap.apply(JSON.parse(json)));
      SetyMap.bridge.pageReady();
      // Tiles may have failed before the channel was up: report what is known now.
      if (SetyMap.basemap.online !== null) SetyMap.call("basemapStatus", SetyMap.basemap.online);
    });
  }

  /* Order matters: incidents before selection, zones before the route that highlights them. */
  const STEPS = [
    ["basemap", (v) => SetyMap.basemap.setBasemap(v)],
    ["tileNet", (v) => SetyMap.basemap.setNetwork(v)],
    ["areas", (v) => SetyMap.basemap.setAreas(v)],
    ["inc", (v) => SetyMap.incidents.apply(v)],
    ["zones", (v) => SetyMap.intel.setZones(v)],
    ["heat", (v) => SetyMap.intel.setHeat(v)],
    ["safe", (v) => SetyMap.intel.setSafe(v)],
    ["routePoints", (v) => SetyMap.intel.setRoutePoints(v)],
    ["route", (v) => SetyMap.intel.setRoute(v)],
    ["probe", (v) => SetyMap.intel.setProbe(v)],
    ["layers", (v) => setLayers(v)],
    ["select", (v) => SetyMap.incidents.select(v.id, v.pan)],
    ["view", (v) => setView(v)],
  ];

  SetyMap.apply = function (batch) {
    const started = performance.now();
    for (const [key, step] of STEPS) {
      if (!(key in batch)) continue;
      try {
        step(batch[key]);
      } catch (err) {
        SetyMap.errors.push(key + ": " + err);
        console.error("SetyMap: could not apply " + key + ": " + (err && err.stack ? err.stack : err));
      }
    }
    if (batch.inc && SetyMap.autoFit && !("view" in batch)) fitIncidents(true, true);
    SetyMap.waiting.push([batch.seq, performance.now() - started]);
    if (SetyMap.waiting.length === 1) {
      if (document.hidden) setTimeout(drawFrame, 0);
      else requestAnimationFrame(drawFrame);
    }
  };

  /* One frame: the pins of every batch since the last frame drawn at once, then each batch acked. */
  function drawFrame() {
    const started = performance.now();
    SetyMap.incidents.render();
    const drawMs = performance.now() - started;
    const batches = SetyMap.waiting;
    SetyMap.waiting = [];
    for (const [seq, ms] of batches) {
      SetyMap.lastSeq = seq;
      SetyMap.call("ack", seq, ms + drawMs);
    }
  }

  function setLayers(visible) {
    for (const [name, on] of Object.entries(visible)) {
      const layer = SetyMap.layers[name];
      if (!layer) continue;
      if (on && !SetyMap.map.hasLayer(layer)) SetyMap.map.addLayer(layer);
      if (!on && SetyMap.map.hasLayer(layer)) SetyMap.map.removeLayer(layer);
    }
  }

  function setView(v) {
    const map = SetyMap.map;
    SetyMap.autoFit = false;
    SetyMap.refit = false;
    SetyMap.pendingFit = null;
    if (v.center) map.setView(v.center, v.zoom || map.getZoom(), { animate: false });
    else if (v.fit === "incidents") fitIncidents(false) || fitArea(map, SetyMap.cfg);
    else if (v.fit === "active") fitIncidents(true) || fitIncidents(false) || fitArea(map, SetyMap.cfg);
    else if (v.fit === "area") fitArea(map, SetyMap.cfg);
  }

  /* Room for what sits on the map's edges: the legend on the right, the notes at the top. */
  function padding() {
    const legend = document.querySelector(".sety-legend");
    const right = legend && legend.offsetWidth < SetyMap.map.getSize().x / 2 ? legend.offsetWidth + 30 : 40;
    return { paddingTopLeft: [50, 50], paddingBottomRight: [right, 40] };
  }

  /* Fit the (open, with `activeOnly`) incidents; false when there are none. `auto`: the page chose
   * this view itself (it is fitted again when the map is resized, until the operator moves it). */
  function fitIncidents(activeOnly, auto) {
    const bounds = SetyMap.incidents.bounds(activeOnly);
    if (!bounds.isValid()) return false;
    SetyMap.autoFit = false;
    fit(bounds, 14, Boolean(auto));
    return true;
  }

  function fitArea(map, cfg, auto) {
    const [w, s, e, n] = cfg.serviceArea;
    fit(L.latLngBounds([[s, w], [n, e]]), 18, Boolean(auto));
    return true;
  }

  /* A map not shown yet has no size (another workspace is in front): fitting it then would zoom
   * all the way in, so the fit waits for the first real size. */
  function fit(bounds, maxZoom, auto) {
    const map = SetyMap.map;
    SetyMap.lastFit = [bounds, maxZoom];
    SetyMap.refit = auto;
    const size = map.getSize();
    if (!size.x || !size.y) {
      SetyMap.pendingFit = [bounds, maxZoom, auto];
      return;
    }
    SetyMap.pendingFit = null;
    map.fitBounds(bounds, Object.assign({ maxZoom: maxZoom, animate: false }, padding()));
  }

  function installMenu(map) {
    const menu = L.DomUtil.create("div", "sety-menu", map.getContainer());
    menu.style.display = "none";
    L.DomEvent.disableClickPropagation(menu);
    L.DomEvent.on(menu, "contextmenu", L.DomEvent.stop);
    const items = [
      ["New incident here", "newIncidentHere"],
      ["Check area safety here", "areaCheckHere"],
    ];
    let at = null;
    for (const [label, method] of items) {
      const item = L.DomUtil.create("div", "item", menu);
      item.textContent = label;
      L.DomEvent.on(item, "click", (e) => {
        L.DomEvent.stop(e);
        hide();
        if (at) SetyMap.call(method, at.lat, at.lng);
      });
    }
    const hide = () => {
      menu.style.display = "none";
    };
    map.on("contextmenu", (e) => {
      at = e.latlng;
      menu.style.display = "block";
      const size = map.getSize();
      const x = Math.min(e.containerPoint.x, size.x - menu.offsetWidth - 4);
      const y = Math.min(e.containerPoint.y, size.y - menu.offsetHeight - 4);
      menu.style.left = Math.max(0, x) + "px";
      menu.style.top = Math.max(0, y) + "px";
    });
    map.on("click movestart zoomstart", hide);
    document.addEventListener("keydown", (e) => e.key === "Escape" && hide());
    SetyMap.menu = { element: menu, hide: hide };
  }

  /* For tests and diagnostics: a JSON-able summary of what the page shows. */
  SetyMap.state = function () {
    const map = SetyMap.map;
    const visible = {};
    for (const [name, layer] of Object.entries(SetyMap.layers)) visible[name] = map.hasLayer(layer);
    const center = map.getCenter();
    return Object.assign(
      {
        lastSeq: SetyMap.lastSeq,
        layers: visible,
        zoom: map.getZoom(),
        center: [center.lat, center.lng],
        basemapOnline: SetyMap.basemap.online,
        errors: SetyMap.errors.slice(),
      },
      SetyMap.incidents.state(),
      SetyMap.intel.state(),
      SetyMap.basemap.state(),
      { labelsPlaced: SetyMap.labels.placed, labelsHidden: SetyMap.labels.hidden, autoFit: SetyMap.autoFit }
    );
  };
})();
