/* Incidents (clustered markers keyed by incident id) and their responders.
 *
 * Row layout (payload.incident_row + the pulse flag added by state.py):
 *   [id, lat, lng, severity, category, active, title, detail, responder|null, pulse]
 * responder: [unit label, lat, lng, en_route]
 */
(function () {
  "use strict";

  const ID = 0, LAT = 1, LNG = 2, SEV = 3, CAT = 4, ACTIVE = 5, TITLE = 6, DETAIL = 7, RESP = 8, PULSE = 9;
  const RANK = { critical: 3, high: 2, medium: 1, low: 0 };

  function Incidents(map, cfg) {
    Incidents.patchClusterIcons();
    this.map = map;
    this.cfg = cfg;
    this.markers = new Map();
    this.unitParts = new Map();
    this.selected = null;
    this.icons = new Map();
    this.gen = 0;
    this.deferIcons = false;
    this.unitRenderer = L.canvas({ pane: "setyUnits" });
    this.units = L.layerGroup();
    this.cluster = L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: 50,
      disableClusteringAtZoom: 16,
      animate: false,
      spiderfyOnMaxZoom: true,
      iconCreateFunction: (cluster) => this.clusterIcon(cluster),
      setyIncidents: this,
    });
  }

  Incidents.prototype.color = function (severity) {
    return this.cfg.severityColors[severity] || this.cfg.unknownColor;
  };

  Incidents.prototype.icon = function (row, selected) {
    const key = [row[SEV], row[CAT], row[ACTIVE], row[PULSE], selected ? 1 : 0].join("|");
    let icon = this.icons.get(key);
    if (!icon) {
      const cls = ["sety-pin", "sev-" + row[SEV]];
      if (row[PULSE]) cls.push("pulse");
      if (!row[ACTIVE]) cls.push("closed");
      if (selected) cls.push("selected");
      icon = L.divIcon({
        className: "sety-inc",
        html: `<div class="${cls.join(" ")}" style="--c:${this.color(row[SEV])}"><i class="glyph cat-${row[CAT]}"></i></div>`,
        iconSize: [28, 28],
        iconAnchor: [14, 14],
        tooltipAnchor: [0, -14],
      });
      this.icons.set(key, icon);
    }
    return icon;
  };

  Incidents.prototype.zIndex = function (row, selected) {
    return selected ? 10000 : (RANK[row[SEV]] || 0) * 100 + (row[ACTIVE] ? 1000 : 0);
  };

  /* [rank, severity, pulse] of a cluster: the worst severity inside and whether anything pulses.
   * Memoised per data generation: markercluster rebuilds many cluster icons on every change, and
   * walking all child markers for each of them (getAllChildMarkers) costs O(markers × depth). */
  Incidents.prototype.summary = function (cluster) {
    if (cluster.setyGen === this.gen) return cluster.setySummary;
    let rank = -1, severity = "unknown", pulse = false;
    for (const marker of cluster._markers) {
      const row = marker.setyRow;
      const r = RANK[row[SEV]] === undefined ? -1 : RANK[row[SEV]];
      if (r > rank) { rank = r; severity = row[SEV]; }
      pulse = pulse || Boolean(row[PULSE]);
    }
    for (const child of cluster._childClusters) {
      const s = this.summary(child);
      if (s[0] > rank) { rank = s[0]; severity = s[1]; }
      pulse = pulse || s[2];
    }
    cluster.setyGen = this.gen;
    cluster.setySummary = [rank, severity, pulse];
    return cluster.setySummary;
  };

  Incidents.prototype.clusterKey = function (cluster) {
    const [, severity, pulse] = this.summary(cluster);
    return severity + "|" + (pulse ? 1 : 0) + "|" + cluster.getChildCount();
  };

  Incidents.prototype.clusterIcon = function (cluster) {
    const [, severity, pulse] = this.summary(cluster);
    const count = cluster.getChildCount();
    cluster.setyIconKey = this.clusterKey(cluster);
    const size = count < 10 ? 34 : count < 100 ? 40 : 48;
    return L.divIcon({
      className: "sety-inc",
      html: `<div class="sety-cluster sev-${severity}${pulse ? " pulse" : ""}" style="--c:${this.color(severity)}"><span>${count}</span></div>`,
      iconSize: [size, size],
    });
  };

  Incidents.prototype.makeMarker = function (row) {
    const marker = L.marker([row[LAT], row[LNG]], { keyboard: false, riseOnHover: true });
    marker.setyId = row[ID];
    marker.setyRow = row;
    marker.bindTooltip(
      (layer) => `<b>${SetyMap.esc(layer.setyRow[TITLE])}</b><br>${SetyMap.lines(layer.setyRow[DETAIL])}`,
      { direction: "top", className: "sety-tip" }
    );
    marker.on("click", () => {
      this.select(marker.setyId, false);
      SetyMap.call("incidentClicked", marker.setyId);
    });
    return marker;
  };

  Incidents.prototype.restyle = function (marker) {
    const selected = marker.setyId === this.selected;
    marker.setIcon(this.icon(marker.setyRow, selected));
    marker.setZIndexOffset(this.zIndex(marker.setyRow, selected));
  };

  /* {reset?, upsert: [rows], remove: [ids]}: add, move, restyle and remove markers in bulk.
   * A moved incident gets a fresh marker: moving a clustered marker in place (setLatLng) makes
   * markercluster re-cluster it alone, which costs ~1 ms per marker. */
  Incidents.prototype.apply = function (diff) {
    this.gen += 1;
    if (diff.reset) {
      this.cluster.clearLayers();
      this.units.clearLayers();
      this.markers.clear();
      this.unitParts.clear();
    }
    const removed = [], added = [], restyled = [];
    for (const id of diff.remove || []) {
      const marker = this.markers.get(id);
      if (!marker) continue;
      removed.push(marker);
      this.markers.delete(id);
      this.syncUnit(id, null, null);
    }
    for (const row of diff.upsert || []) {
      const old = this.markers.get(row[ID]);
      if (old && old.setyRow[LAT] === row[LAT] && old.setyRow[LNG] === row[LNG]) {
        old.setyRow = row;
        restyled.push(old);
      } else {
        if (old) removed.push(old);
        const marker = this.makeMarker(row);
        this.markers.set(row[ID], marker);
        added.push(marker);
      }
      this.syncUnit(row[ID], row[RESP], row);
    }
    for (const marker of added) this.restyle(marker);
    for (const marker of restyled) this.restyle(marker);
    // Each of these redraws the touched cluster icons: only the last one needs to (see _updateIcon).
    const steps = [];
    if (removed.length) steps.push(() => this.cluster.removeLayers(removed));
    if (added.length) steps.push(() => this.cluster.addLayers(added));
    if (restyled.length) steps.push(() => this.cluster.refreshClusters(restyled));
    steps.forEach((step, i) => {
      this.deferIcons = i < steps.length - 1;
      step();
    });
    this.deferIcons = false;
  };

  /* A responder's unit marker and, while en route, the line to its incident. */
  Incidents.prototype.syncUnit = function (id, resp, row) {
    const parts = this.unitParts.get(id);
    if (!resp) {
      if (parts) {
        this.units.removeLayer(parts.marker);
        if (parts.line) this.units.removeLayer(parts.line);
        this.unitParts.delete(id);
      }
      return;
    }
    const at = [resp[1], resp[2]];
    const target = [row[LAT], row[LNG]];
    const html = `<span class="dot"></span><span class="lbl">${SetyMap.esc(resp[0])}</span>`;
    if (!parts) {
      const marker = L.marker(at, {
        interactive: false,
        keyboard: false,
        icon: L.divIcon({ className: "sety-unit", html: html, iconSize: [14, 14] }),
      }).addTo(this.units);
      this.unitParts.set(id, { marker: marker, line: null, html: html });
      return this.syncUnit(id, resp, row);
    }
    parts.marker.setLatLng(at);
    if (parts.html !== html) {
      parts.html = html;
      parts.marker.setIcon(L.divIcon({ className: "sety-unit", html: html, iconSize: [14, 14] }));
    }
    if (resp[3] && !parts.line) {
      parts.line = L.polyline([at, target], {
        renderer: this.unitRenderer,
        color: "#0d47a1",
        weight: 2.5,
        opacity: 0.85,
        dashArray: "6 5",
        interactive: false,
      }).addTo(this.units);
    } else if (resp[3]) parts.line.setLatLngs([at, target]);
    else if (parts.line) {
      this.units.removeLayer(parts.line);
      parts.line = null;
    }
  };

  /* Highlight one incident (null: none); with pan, open its cluster and centre the map on it. */
  Incidents.prototype.select = function (id, pan) {
    const previous = this.markers.get(this.selected);
    this.selected = id;
    if (previous) this.restyle(previous);
    const marker = this.markers.get(id);
    if (!marker) return;
    this.restyle(marker);
    if (!pan) return;
    // A clustered marker shows on its own one zoom level above its smallest cluster (__parent._zoom).
    const zoom = Math.round(this.map.getZoom());
    const ownZoom = marker.__parent && this.map.hasLayer(this.cluster) ? marker.__parent._zoom + 1 : zoom;
    if (ownZoom > zoom) this.map.setView(marker.getLatLng(), ownZoom);
    else this.map.panTo(marker.getLatLng());
  };

  Incidents.prototype.state = function () {
    let pulsing = 0, lines = 0;
    for (const marker of this.markers.values()) pulsing += marker.setyRow[PULSE] ? 1 : 0;
    for (const parts of this.unitParts.values()) lines += parts.line ? 1 : 0;
    const root = this.map.getContainer();
    return {
      incidents: this.markers.size,
      pins: root.querySelectorAll(".sety-pin").length,
      clusters: root.querySelectorAll(".sety-cluster").length,
      pulsing: pulsing,
      units: this.unitParts.size,
      unitLines: lines,
      selected: this.selected,
      selectedShown: root.querySelectorAll(".sety-pin.selected").length,
    };
  };

  /* Test helper: a DOM click on the marker's icon when it is drawn, else Leaflet's own click event. */
  Incidents.prototype.click = function (id) {
    const marker = this.markers.get(id);
    if (!marker) return false;
    if (marker._icon) marker._icon.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true }));
    else marker.fire("click");
    return true;
  };

  /* markercluster redraws the icon of every visible cluster touched by a change after each bulk
   * call (remove, add, refresh), building a new DOM element each time. For our group, a redraw is
   * put off while more calls of the same diff follow (the cluster stays flagged as needing one),
   * and skipped when what the icon shows (worst severity, pulse, count) did not change. Clusters of
   * other groups (none today) keep the library's behaviour. Relies on markercluster 1.5.3 internals
   * (_updateIcon, _icon, _group). */
  Incidents.patchClusterIcons = function () {
    if (L.MarkerCluster.prototype.setyPatched) return;
    const redrawIcon = L.MarkerCluster.prototype._updateIcon;
    L.MarkerCluster.prototype._updateIcon = function () {
      const owner = this._group.options.setyIncidents;
      if (owner && this._icon && (owner.deferIcons || this.setyIconKey === owner.clusterKey(this))) {
        this._iconNeedsUpdate = true;
        return;
      }
      redrawIcon.call(this);
    };
    L.MarkerCluster.prototype.setyPatched = true;
  };

  window.SetyMap.Incidents = Incidents;
})();
