/* Responders: a unit square (with its label) where the responder is, and a dashed line to the
 * incident while the unit is on its way. Keyed by incident id; incidents.js keeps them in step.
 */
(function () {
  "use strict";

  function Units(map) {
    this.map = map;
    this.renderer = L.canvas({ pane: "setyUnits" });
    this.layer = L.layerGroup();
    this.parts = new Map(); // incident id -> {marker, line}
  }

  Units.prototype.clear = function () {
    this.layer.clearLayers();
    this.parts.clear();
  };

  /* A responder's unit marker and, while en route, the line to its incident. */
  Units.prototype.sync = function (id, resp, row) {
    const parts = this.parts.get(id);
    if (!resp) {
      if (parts) {
        this.layer.removeLayer(parts.marker);
        if (parts.line) this.layer.removeLayer(parts.line);
        this.parts.delete(id);
      }
      return;
    }
    const at = [resp[1], resp[2]];
    const target = [row[1], row[2]];
    if (!parts) {
      const marker = L.marker(at, {
        interactive: false,
        keyboard: false,
        icon: L.divIcon({ className: "sety-unit", html: unitHtml(resp[0]), iconSize: [14, 14] }),
      }).addTo(this.layer);
      marker.setyLabel = resp[0];
      this.parts.set(id, { marker: marker, line: null });
      return this.sync(id, resp, row);
    }
    parts.marker.setLatLng(at);
    if (parts.marker.setyLabel !== resp[0]) {
      parts.marker.setyLabel = resp[0];
      parts.marker.setIcon(L.divIcon({ className: "sety-unit", html: unitHtml(resp[0]), iconSize: [14, 14] }));
    }
    if (resp[3] && !parts.line) {
      parts.line = L.polyline([at, target], {
        renderer: this.renderer,
        color: "#0d47a1",
        weight: 2.5,
        opacity: 0.85,
        dashArray: "6 5",
        interactive: false,
      }).addTo(this.layer);
    } else if (resp[3]) parts.line.setLatLngs([at, target]);
    else if (parts.line) {
      this.layer.removeLayer(parts.line);
      parts.line = null;
    }
  };

  function unitHtml(label) {
    return `<span class="dot"></span><span class="lbl sety-label">${SetyMap.esc(label)}</span>`;
  }

  window.SetyMap.Units = Units;
})();
