/* Pulsing rings around critical, unacknowledged pins and clusters: one canvas under the pins,
 * redrawn four times a second. CSS rings (animated, or stepped by a class) made the compositor redraw
 * every pulsing pin and slowed every other map update to about 10 frames a second without a GPU.
 */
(function () {
  "use strict";

  const STEP_MS = 300; // four ring sizes in 1.2 s
  const STEPS = [[1.1, 0.95], [1.4, 0.7], [1.7, 0.45], [2, 0.15]]; // [scale, opacity]

  /* `container` holds the pins (layer points); `margin` px beyond the view are covered too. */
  function Rings(map, container, margin) {
    this.map = map;
    this.margin = margin;
    this.canvas = L.DomUtil.create("canvas", "sety-rings", container);
    this.phase = 0;
    this.count = 0;
    this.shown = [];
    setInterval(() => this.step(), STEP_MS);
  }

  Rings.prototype.step = function () {
    if (document.hidden || !this.count) return;
    this.phase = (this.phase + 1) % STEPS.length;
    this.paint();
  };

  /* Remember what is shown ({x, y, ring: [radius, colour] | null} in layer points) and paint. */
  Rings.prototype.draw = function (shown) {
    this.shown = [];
    for (const item of shown) if (item.ring) this.shown.push(item);
    this.paint();
  };

  Rings.prototype.paint = function () {
    const canvas = this.canvas, map = this.map, margin = this.margin;
    const size = map.getSize().add([2 * margin, 2 * margin]);
    const topLeft = map.containerPointToLayerPoint([-margin, -margin]).round();
    if (canvas.width !== size.x || canvas.height !== size.y) {
      canvas.width = size.x;
      canvas.height = size.y;
    }
    canvas.style.left = topLeft.x + "px";
    canvas.style.top = topLeft.y + "px";
    const ctx = canvas.getContext("2d");
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const [scale, alpha] = STEPS[this.phase];
    ctx.globalAlpha = alpha;
    ctx.lineWidth = 3 * scale;
    for (const item of this.shown) {
      const [radius, color] = item.ring;
      ctx.strokeStyle = color;
      ctx.beginPath();
      ctx.arc(item.x - topLeft.x, item.y - topLeft.y, radius * scale, 0, 2 * Math.PI);
      ctx.stroke();
    }
    this.count = this.shown.length;
    canvas.style.display = this.count ? "" : "none"; // an empty full-view canvas still costs every frame
  };

  window.SetyMap.Rings = Rings;
})();
