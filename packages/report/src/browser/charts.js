// Renders Entrepot charts (a chart model and its ECharts option, built by @entrepot/report) in the
// browser: hover tooltips with dollars and shares, numbered alert and notice markers, a click on a
// marker (on the chart or in the list under it) shows its explanation, figures and evidence.
// Shared by the dashboard (served by the API) and the offline HTML report (inlined). Data goes
// into the page as text nodes only, never as HTML. Needs the global `echarts` (echarts.min.js).
((global) => {
  const MAX_EVIDENCE = 12;

  /** An element with a class and text (textContent: data is never parsed as HTML). */
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function axisTooltip(model) {
    return (params) => {
      const items = Array.isArray(params) ? params : [params];
      const index = items.length > 0 ? items[0].dataIndex : -1;
      const box = el("div", "ep-tip");
      box.append(el("div", "ep-tip-head", model.periodLabels[index] ?? ""));
      for (const p of items) {
        if (!p.data?.tip) continue;
        const row = el("div", "ep-tip-row");
        const swatch = el("span", "ep-swatch");
        swatch.style.backgroundColor = p.color;
        row.append(swatch, el("span", null, p.data.tip));
        box.append(row);
      }
      return box;
    };
  }

  function markerTooltip(params) {
    const box = el("div", "ep-tip");
    box.append(el("div", null, params.data?.tip ?? params.name));
    box.append(el("div", "ep-tip-hint", "click for the explanation"));
    return box;
  }

  /** Fills `target` with a marker's explanation, figures and evidence. */
  function showMarker(target, marker) {
    target.replaceChildren();
    target.dataset.markerId = marker.id;
    const head = el("h3", `ep-marker-head ep-kind-${marker.kind}`, `${marker.number}. ${marker.label}`);
    if (marker.severity) head.classList.add(`ep-sev-${marker.severity}`);
    target.append(head);
    const where = [marker.regionName, marker.period].filter(Boolean).join(", ");
    if (where) target.append(el("div", "ep-marker-where", where));
    target.append(el("p", "ep-marker-summary", marker.summary));
    if (marker.figures.length > 0) {
      const dl = el("dl", "ep-figures");
      for (const f of marker.figures) dl.append(el("dt", null, f.label), el("dd", null, f.value));
      target.append(dl);
    }
    if (marker.evidence.length > 0) {
      target.append(el("div", "ep-evidence-head", `evidence (${marker.evidence.length} clean records)`));
      const ul = el("ul", "ep-evidence");
      for (const key of marker.evidence.slice(0, MAX_EVIDENCE)) ul.append(el("li", null, key));
      if (marker.evidence.length > MAX_EVIDENCE) ul.append(el("li", null, `... and ${marker.evidence.length - MAX_EVIDENCE} more`));
      target.append(ul);
    }
    target.hidden = false;
  }

  function withFormatters(chart) {
    const option = JSON.parse(JSON.stringify(chart.option));
    option.tooltip.formatter = axisTooltip(chart.model);
    for (const s of option.series) {
      if (s.markPoint) s.markPoint.tooltip.formatter = markerTooltip;
      if (s.markLine) s.markLine.tooltip.formatter = markerTooltip;
    }
    return option;
  }

  /**
   * Renders `chart` ({model, option}) into `section`: the chart, its marker list and a details
   * panel. Returns the ECharts instance.
   */
  function render(section, chart) {
    const model = chart.model;
    section.classList.add("ep-chart-section");
    section.dataset.chartId = model.id;
    const canvas = el("div", "ep-chart");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", `${model.title} (${model.subtitle}): ${model.series.map((s) => s.name).join(", ")}`);
    const details = el("div", "ep-details");
    details.hidden = true;
    details.setAttribute("aria-live", "polite");
    section.append(canvas);
    const byId = new Map(model.markers.map((m) => [m.id, m]));
    if (model.markers.length > 0) {
      const list = el("ol", "ep-marker-list");
      for (const m of model.markers) {
        const button = el(
          "button",
          `ep-marker-button ep-kind-${m.kind}`,
          `${m.number}. ${m.label}: ${[m.regionName, m.period].filter(Boolean).join(" ")}`,
        );
        if (m.severity) button.classList.add(`ep-sev-${m.severity}`);
        button.type = "button";
        button.addEventListener("click", () => showMarker(details, m));
        const item = el("li");
        item.append(button);
        list.append(item);
      }
      section.append(list);
    }
    section.append(details);
    const instance = global.echarts.init(canvas, null, { renderer: "svg" });
    instance.setOption(withFormatters(chart));
    instance.on("click", (params) => {
      if (params.componentType !== "markPoint" && params.componentType !== "markLine") return;
      const marker = byId.get(params.name);
      if (marker) showMarker(details, marker);
    });
    global.addEventListener("resize", () => instance.resize());
    return instance;
  }

  global.EntrepotCharts = { render, showMarker, el };
})(window);
