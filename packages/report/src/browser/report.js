// The offline report's bootstrap: reads the embedded data (a JSON block, not script) and renders
// each chart with EntrepotCharts. No network: everything it needs is in the file.
((global) => {
  const data = JSON.parse(document.getElementById("entrepot-report-data").textContent);
  const host = document.getElementById("ep-charts");
  for (const chart of data.charts) {
    const section = document.createElement("section");
    host.append(section);
    global.EntrepotCharts.render(section, chart);
  }
})(window);
