/* Sety map page: the bridge to Python, batch dispatch, layers, legend and the right-click menu.
 *
 * Python pushes batches (sety_console/ui/map/state.py) through QWebChannel; every batch is applied
 * in one go and acknowledged with bridge.ack(seq, ms) on the next animation frame.
 * basemap.js, incidents.js and intel.js add their parts to the SetyMap namespace defined here.
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
    map.attributionControl.setPrefix(cfg.attributionPrefix);
    pane(map, "setyGrid", 250, false);
    pane(map, "setyZones", 410, true);
    pane(map, "setyRoute", 450, true);
    pane(map, "setyUnits", 460, false);
    SetyMap.basemap = new SetyMap.Basemap(map, tileLayer, cfg, (online) =>
      SetyMap.call("basemapStatus", online)
    );
    SetyMap.incidents = new SetyMap.Incidents(map, cfg);
    SetyMap.intel = new SetyMap.Intel(map, cfg);
    SetyMap.layers = {
      incidents: SetyMap.incidents.cluster,
      responders: SetyMap.incidents.units,
      zones: SetyMap.intel.zones,
      heatmap: SetyMap.intel.heat,
      safe_zones: SetyMap.intel.safe,
      route: SetyMap.intel.route,
    };
    for (const name of ["heatmap", "zones", "route", "safe_zones", "responders", "incidents"]) {
      SetyMap.layers[name].addTo(map);
    }
    addLegend(map, cfg);
    installMenu(map);
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
    const ms = performance.now() - started;
    SetyMap.lastSeq = batch.seq;
    const ack = () => SetyMap.call("ack", batch.seq, ms);
    if (document.hidden) setTimeout(ack, 0);
    else requestAnimationFrame(ack);
  };

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
    if (v.center) map.setView(v.center, v.zoom || map.getZoom(), { animate: false });
    else if (v.fit === "incidents") {
      const bounds = SetyMap.incidents.cluster.getBounds();
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [40, 40], maxZoom: 15 });
    }
  }

  function legendRows(colors, labels, shape) {
    return Object.keys(colors)
      .map(
        (k) =>
          `<span class="item"><span class="sw ${shape}" style="background:${colors[k]}"></span>` +
          `${SetyMap.esc(labels[k] || k)}</span>`
      )
      .join("");
  }

  function safeBadges(cfg) {
    return ["police_station", "hospital", "fire_station"]
      .map((kind) => {
        const [letter, color] = cfg.safeZoneBadges[kind];
        return `<span class="item"><span class="badge" style="--c:${color}">${letter}</span>${cfg.safeZoneLabels[kind]}</span>`;
      })
      .join("");
  }

  function addLegend(map, cfg) {
    const legend = L.control({ position: "bottomright" });
    legend.onAdd = () => {
      const div = L.DomUtil.create("div", "sety-legend");
      div.innerHTML =
        `<h5>Incident severity</h5><div>${legendRows(cfg.severityColors, cfg.severityLabels, "dot")}</div>` +
        `<div class="note"><span class="sw dot ring"></span>pulsing ring: critical, not acknowledged</div>` +
        `<h5>Danger-zone risk</h5><div>${legendRows(cfg.riskColors, cfg.riskLabels, "sq")}</div>` +
        `<h5>Route safety</h5><div>${legendRows(cfg.safetyColors, cfg.safetyLabels, "ln")}</div>` +
        `<h5>Also shown</h5><div><span class="item"><span class="sw unit"></span>unit (dashed: en route)</span>` +
        `<span class="item"><span class="sw heat"></span>incident density</span></div>` +
        `<div>${safeBadges(cfg)}</div>`;
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    legend.addTo(map);
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
      SetyMap.intel.state()
    );
  };
})();
