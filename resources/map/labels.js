/* Labels that keep clear of what they would hide: unit labels and area names try a few places
 * around their anchor and take the first one free of pins, clusters, unit squares and labels
 * already placed; a label with no free place is hidden until the view changes.
 * Runs a moment after the pins are drawn (at most every PLACE_MS), never inside a diff's frame.
 */
(function () {
  "use strict";

  const GAP = 10; // px between an anchor and its label
  const PLACE_MS = 150;

  function Labels(map) {
    this.map = map;
    this.framed = false;
    this.placed = 0;
    this.hidden = 0;
    map.on("moveend zoomend resize", () => this.request());
  }

  Labels.prototype.request = function () {
    if (this.framed) return;
    this.framed = true;
    setTimeout(() => {
      this.framed = false;
      this.place();
    }, PLACE_MS);
  };

  function overlaps(box, boxes) {
    for (const b of boxes) if (box[0] < b[2] && box[2] > b[0] && box[1] < b[3] && box[3] > b[1]) return true;
    return false;
  }

  /* [{el, x, y, sides: [[dx, dy]…] as label top-left offsets from (x, y) given its size}]. */
  function unitLabels(map) {
    const out = [];
    if (!map.hasLayer(SetyMap.incidents.units) || L.DomUtil.hasClass(map.getContainer(), "sety-far")) return out;
    for (const parts of SetyMap.incidents.unitParts.values()) {
      const icon = parts.marker._icon;
      const el = icon && icon.querySelector(".lbl");
      if (!el) continue;
      const p = map.latLngToContainerPoint(parts.marker.getLatLng());
      // offsets are applied relative to the 14×14 icon's centre (7, 7)
      out.push({ el: el, x: p.x, y: p.y, origin: [7, 7], sides: sides(GAP) });
    }
    return out;
  }

  function areaLabels(map) {
    const out = [];
    const areas = SetyMap.basemap && SetyMap.basemap.areas;
    if (!areas || !map.hasLayer(areas)) return out;
    for (const marker of areas.getLayers()) {
      const el = marker._icon && marker._icon.firstChild;
      if (!el) continue;
      const p = map.latLngToContainerPoint(marker.getLatLng());
      out.push({ el: el, x: p.x, y: p.y, origin: [0, 0], sides: centred() });
    }
    return out;
  }

  /* Right, left, above, below; each as a function of the label's size (w, h). */
  function sides(gap) {
    return [
      (w, h) => [gap, -h / 2],
      (w, h) => [-gap - w, -h / 2],
      (w, h) => [-w / 2, -gap - h],
      (w, h) => [-w / 2, gap],
    ];
  }

  function centred() {
    return [0, -22, 22, -44, 44].map((dy) => (w, h) => [-w / 2, dy - h / 2]);
  }

  /* Route marks, safe places, the probed point and the map's own controls (legend, notes, zoom). */
  function others(map) {
    const root = map.getContainer();
    const frame = root.getBoundingClientRect();
    const boxes = [];
    for (const el of root.querySelectorAll(".sety-safe, .sety-mark, .sety-probe, .leaflet-control")) {
      const r = el.getBoundingClientRect();
      if (r.width) boxes.push([r.left - frame.left, r.top - frame.top, r.right - frame.left, r.bottom - frame.top]);
    }
    return boxes;
  }

  Labels.prototype.place = function () {
    const map = this.map;
    if (!SetyMap.incidents) return;
    const labels = unitLabels(map).concat(areaLabels(map));
    // Read every size first, then write every position: one layout, not one per label.
    for (const label of labels) {
      label.w = label.el.offsetWidth;
      label.h = label.el.offsetHeight;
    }
    const taken = SetyMap.incidents.obstacles().concat(others(map));
    let placed = 0, hidden = 0;
    for (const label of labels) {
      let spot = null;
      for (const side of label.sides) {
        const [dx, dy] = side(label.w, label.h);
        const box = [label.x + dx, label.y + dy, label.x + dx + label.w, label.y + dy + label.h];
        if (!overlaps(box, taken)) {
          spot = [dx, dy, box];
          break;
        }
      }
      if (!spot) {
        label.el.style.visibility = "hidden";
        hidden += 1;
        continue;
      }
      taken.push(spot[2]);
      label.el.style.visibility = "";
      label.el.style.left = Math.round(label.origin[0] + spot[0]) + "px";
      label.el.style.top = Math.round(label.origin[1] + spot[1]) + "px";
      placed += 1;
    }
    this.placed = placed;
    this.hidden = hidden;
  };

  /* For tests: boxes (container px) of the shown labels and of every pin, cluster and unit. */
  Labels.prototype.report = function () {
    const root = this.map.getContainer().getBoundingClientRect();
    const box = (el) => {
      const r = el.getBoundingClientRect();
      return [r.left - root.left, r.top - root.top, r.right - root.left, r.bottom - root.top];
    };
    const shown = [];
    for (const el of this.map.getContainer().querySelectorAll(".sety-label")) {
      if (el.offsetWidth && getComputedStyle(el).visibility !== "hidden") shown.push([el.textContent, box(el)]);
    }
    const marks = [];
    for (const el of this.map.getContainer().querySelectorAll(".sety-pin, .sety-cluster, .sety-unit .dot")) {
      marks.push(box(el));
    }
    return { labels: shown, marks: marks, hidden: this.hidden };
  };

  window.SetyMap.Labels = Labels;
})();
