/* The legend: every mark the map can show, in the colours the page draws it with.
 * Click its title to fold or unfold it; on a small map it starts folded (until the operator chooses).
 */
(function () {
  "use strict";

  const esc = (t) => SetyMap.esc(t);
  const item = (swatch, text) => `<span class="item">${swatch}${esc(text)}</span>`;

  function rows(colors, labels, shape) {
    return Object.keys(colors)
      .map((k) => item(`<span class="sw ${shape}" style="background:${colors[k]}"></span>`, labels[k] || k))
      .join("");
  }

  function badges(cfg) {
    return ["police_station", "hospital", "fire_station"]
      .map((kind) => {
        const [letter, color] = cfg.safeZoneBadges[kind];
        return item(`<span class="badge" style="--c:${color}">${letter}</span>`, cfg.safeZoneLabels[kind]);
      })
      .join("");
  }

  function html(cfg) {
    const blue = "#0d47a1";
    return (
      `<h4 class="title">Legend <span class="fold">▾</span></h4><div class="body">` +
      `<h5>Incidents (colour: severity)</h5><div>${rows(cfg.severityColors, cfg.severityLabels, "dot")}</div>` +
      "<div>" +
      item('<span class="sw cluster">7</span>', "several incidents (colour: the worst)") +
      item('<span class="sw dot ring"></span>', "pulsing: critical, not acknowledged") +
      "</div><div>" +
      item(`<span class="sw dot selring" style="--b:${blue}"></span>`, "selected incident") +
      item('<span class="sw dot closed"></span>', "closed in the last 2 h") +
      "</div>" +
      `<h5>Responders</h5><div>${item('<span class="sw unit"></span>', "unit")}` +
      item('<span class="sw ln dash"></span>', "unit en route") +
      "</div>" +
      `<h5>Danger-zone risk</h5><div>${rows(cfg.riskColors, cfg.riskLabels, "sq")}</div>` +
      `<div>${item('<span class="sw heat"></span>', "incident density (heatmap)")}</div>` +
      `<h5>Route safety</h5><div>${rows(cfg.safetyColors, cfg.safetyLabels, "ln")}</div>` +
      `<div>${item('<span class="sw mark">A</span>', "start, B end, 1 2… via")}` +
      item('<span class="sw probe"></span>', "point being checked") +
      "</div>" +
      `<h5>Places to seek help</h5><div>${badges(cfg)}</div>` +
      "<h5>Without street tiles</h5><div>" +
      item('<span class="sw sq land"></span>', "land") +
      item('<span class="sw sq water"></span>', "sea, lagoon") +
      item('<span class="sw ln river"></span>', "river, creek") +
      item('<span class="sw area">Yaba</span>', "area with incidents") +
      "</div></div>"
    );
  }

  SetyMap.addLegend = function (map, cfg) {
    const legend = L.control({ position: "bottomright" });
    legend.onAdd = () => {
      const div = L.DomUtil.create("div", "sety-legend");
      div.innerHTML = html(cfg);
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      L.DomEvent.on(div.querySelector(".title"), "click", () => {
        legend.chosen = true;
        fold(div, !L.DomUtil.hasClass(div, "folded"));
      });
      return div;
    };
    legend.addTo(map);
    SetyMap.legend = legend;
    const fit = () => {
      const size = map.getSize();
      if (!legend.chosen && size.x && size.y) fold(legend.getContainer(), size.x < SMALL[0] || size.y < SMALL[1]);
    };
    map.on("resize", fit);
    fit();
  };

  const SMALL = [1000, 720]; // px: a map smaller than this starts with the legend folded

  function fold(div, folded) {
    L.DomUtil[folded ? "addClass" : "removeClass"](div, "folded");
  }
})();
