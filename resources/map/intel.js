/* Threat intelligence layers: danger zones, heatmap, safe zones, the route and the probe point.
 *
 * Rows come from sety_console/ui/map/payload.py:
 *   zone:  [id, name, lat, lng, radius_m, polygon|null, risk, score, count, dominant, peak, last]
 *   safe:  [name, kind, lat, lng, distance text, open_24h]
 *   route: {segments: [[lat1, lng1, lat2, lng2, score, level, zone ids]], riskiest, crossed}
 */
(function () {
  "use strict";

  /* Leaflet.heat reads its canvas back with getImageData, which throws while the map is hidden
     (a 0×0 container, e.g. another workspace is showing): skip drawing until the map has a size;
     Leaflet redraws it on the resize that comes when the map is shown. */
  const heatRedraw = L.HeatLayer.prototype._redraw;
  L.HeatLayer.prototype._redraw = function () {
    const size = this._map && this._map.getSize();
    if (!size || !size.x || !size.y) return this;
    return heatRedraw.call(this);
  };

  function Intel(map, cfg) {
    this.map = map;
    this.cfg = cfg;
    this.zoneRenderer = L.canvas({ pane: "setyZones" });
    this.routeRenderer = L.canvas({ pane: "setyRoute" });
    this.zones = L.featureGroup();
    this.zoneLayers = new Map();
    this.crossed = new Set();
    this.heat = L.heatLayer([], {
      radius: 22,
      blur: 18,
      maxZoom: 15,
      max: 1.0,
      minOpacity: 0.15,
      gradient: cfg.heatGradient,
    });
    this.heatCount = 0;
    this.safe = L.layerGroup();
    this.route = L.featureGroup();
    this.routeLines = L.featureGroup().addTo(this.route);
    this.routeMarks = L.layerGroup().addTo(this.route);
    this.segmentColors = [];
    this.probe = null;
  }

  Intel.prototype.zoneStyle = function (row) {
    const color = this.cfg.riskColors[row[6]] || this.cfg.unknownColor;
    const crossed = this.crossed.has(row[0]);
    return {
      renderer: this.zoneRenderer,
      color: crossed ? "#212121" : color,
      weight: crossed ? 4 : 2,
      dashArray: crossed ? "8 6" : null,
      fillColor: color,
      fillOpacity: row[6] === "severe" ? 0.28 : 0.2,
    };
  };

  function zonePopup(row, cfg) {
    const e = SetyMap.esc;
    const color = cfg.riskColors[row[6]] || cfg.unknownColor;
    const risk = cfg.riskLabels[row[6]] || row[6];
    return (
      `<div class="sety-popup"><h4>${e(row[1])}</h4>` +
      `<div class="risk" style="background:${color}">${e(risk)} risk · score ${row[7]}</div>` +
      `<table><tr><th>Incidents</th><td>${row[8]}</td></tr>` +
      `<tr><th>Mostly</th><td>${e(row[9])}</td></tr>` +
      `<tr><th>Peak hours</th><td>${e(row[10])}</td></tr>` +
      `<tr><th>Last incident</th><td>${e(row[11])}</td></tr></table></div>`
    );
  }

  Intel.prototype.setZones = function (rows) {
    this.zones.clearLayers();
    this.zoneLayers.clear();
    for (const row of rows || []) {
      const style = this.zoneStyle(row);
      const layer = row[5] ? L.polygon(row[5], style) : L.circle([row[2], row[3]], Object.assign({ radius: row[4] }, style));
      layer.setyRow = row;
      layer.bindPopup(() => zonePopup(layer.setyRow, this.cfg), { maxWidth: 320 });
      layer.bindTooltip(() => SetyMap.esc(layer.setyRow[1]), { sticky: true, className: "sety-tip" });
      this.zoneLayers.set(row[0], layer);
      this.zones.addLayer(layer);
    }
  };

  Intel.prototype.setHeat = function (v) {
    this.heatCount = v.points.length;
    this.heat.setLatLngs(v.points);
  };

  Intel.prototype.setSafe = function (v) {
    this.safe.clearLayers();
    for (const row of v.zones) {
      const badge = this.cfg.safeZoneBadges[row[1]] || ["?", this.cfg.unknownColor];
      const kind = this.cfg.safeZoneLabels[row[1]] || row[1];
      L.marker([row[2], row[3]], {
        keyboard: false,
        icon: L.divIcon({
          className: "sety-safe-icon",
          html: `<div class="sety-safe" style="--c:${badge[1]}">${SetyMap.esc(badge[0])}</div>`,
          iconSize: [24, 24],
        }),
      })
        .bindTooltip(
          `<b>${SetyMap.esc(row[0])}</b><br>${SetyMap.esc(kind)} · ${SetyMap.esc(row[4])}` +
            (row[5] ? " · open 24 h" : ""),
          { direction: "top", className: "sety-tip" }
        )
        .addTo(this.safe);
    }
  };

  function mark(latlng, text, cls) {
    return L.marker(latlng, {
      keyboard: false,
      interactive: false,
      zIndexOffset: 20000,
      icon: L.divIcon({ className: "sety-route-icon", html: `<div class="sety-mark ${cls}">${text}</div>`, iconSize: [24, 24] }),
    });
  }

  Intel.prototype.setRoutePoints = function (v) {
    this.routeMarks.clearLayers();
    v.waypoints.forEach((p, i) => mark(p, String(i + 1), "via").addTo(this.routeMarks));
    if (v.origin) mark(v.origin, "A", "origin").addTo(this.routeMarks);
    if (v.destination) mark(v.destination, "B", "destination").addTo(this.routeMarks);
  };

  Intel.prototype.setRoute = function (v) {
    this.routeLines.clearLayers();
    this.segmentColors = [];
    this.crossed = new Set(v ? v.crossed : []);
    for (const layer of this.zoneLayers.values()) layer.setStyle(this.zoneStyle(layer.setyRow));
    if (!v) return;
    const base = { renderer: this.routeRenderer, lineCap: "round", lineJoin: "round" };
    v.segments.forEach((s, i) => {
      const line = [[s[0], s[1]], [s[2], s[3]]];
      const riskiest = i === v.riskiest;
      const casing = riskiest ? { color: "#212121", weight: 13 } : { color: "#ffffff", weight: 10 };
      L.polyline(line, Object.assign({}, base, casing, { opacity: 0.9, interactive: false })).addTo(this.routeLines);
      const color = this.cfg.safetyColors[s[5]] || this.cfg.unknownColor;
      const label = this.cfg.safetyLabels[s[5]] || s[5];
      L.polyline(line, Object.assign({}, base, { color: color, weight: 7, opacity: 1 }))
        .bindTooltip(
          `Segment ${i + 1}: score ${s[4]} (${SetyMap.esc(label)})` + (riskiest ? "<br><b>riskiest segment</b>" : ""),
          { sticky: true, className: "sety-tip" }
        )
        .addTo(this.routeLines);
      this.segmentColors.push(color);
    });
    const bounds = this.routeLines.getBounds();
    if (bounds.isValid()) this.map.fitBounds(bounds, { padding: [60, 60], maxZoom: 15 });
  };

  Intel.prototype.setProbe = function (point) {
    if (this.probe) this.probe.remove();
    this.probe = null;
    if (!point) return;
    this.probe = L.marker(point, {
      keyboard: false,
      interactive: false,
      zIndexOffset: 15000,
      icon: L.divIcon({ className: "sety-probe-icon", html: '<div class="sety-probe"></div>', iconSize: [26, 26] }),
    }).addTo(this.map);
  };

  Intel.prototype.state = function () {
    let highlighted = 0;
    for (const layer of this.zoneLayers.values()) highlighted += this.crossed.has(layer.setyRow[0]) ? 1 : 0;
    return {
      zones: this.zoneLayers.size,
      crossedZones: highlighted,
      heatPoints: this.heatCount,
      safeZones: this.safe.getLayers().length,
      routeSegments: this.segmentColors.length,
      routeColors: this.segmentColors.slice(),
      routeMarks: this.routeMarks.getLayers().length,
      probe: this.probe ? [this.probe.getLatLng().lat, this.probe.getLatLng().lng] : null,
    };
  };

  window.SetyMap.Intel = Intel;
})();
