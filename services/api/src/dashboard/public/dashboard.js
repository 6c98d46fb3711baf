// The dashboard page. The API key is asked for once per tab and kept in sessionStorage; every data
// request sends it in the Authorization header, never in a URL. Live alerts come from the SSE
// endpoint read with fetch (EventSource cannot send headers), resumed with Last-Event-ID.
// Charts are drawn by EntrepotCharts (charts.js), shared with the offline HTML report.
((global) => {
  const STORAGE_KEY = "entrepot.apiKey";
  const RETRY_MS = 2000;
  const STATUS_EVERY_MS = 15000;
  const { el, render, showMarker } = global.EntrepotCharts;
  const $ = (id) => document.getElementById(id);
  const state = { key: null, alerts: new Map(), fresh: new Set(), charts: [], hubChosen: false, refreshTimer: null, stopped: false };

  class Unauthorized extends Error {}

  async function api(path) {
    const res = await fetch(path, { headers: { authorization: `Bearer ${state.key}`, accept: "application/json" }, cache: "no-store" });
    if (res.status === 401) throw new Unauthorized("the API did not accept this key");
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return res.json();
  }

  function showForm(message) {
    state.stopped = true;
    $("ep-app").hidden = true;
    $("ep-forget").hidden = true;
    $("ep-key-form").hidden = false;
    $("ep-key-error").hidden = !message;
    $("ep-key-error").textContent = message || "";
    $("ep-key").focus();
  }

  function forget(message) {
    sessionStorage.removeItem(STORAGE_KEY);
    state.key = null;
    showForm(message);
  }

  function failed(err) {
    if (err instanceof Unauthorized) forget(err.message);
    else console.error(err);
  }

  // --- status

  function renderStatus(s) {
    const box = $("ep-status");
    const item = (label, value) => {
      const span = el("span", null, `${label} `);
      span.append(el("b", null, value));
      return span;
    };
    const sev = s.alerts.bySeverity;
    box.replaceChildren(
      item("alerts", `${s.alerts.total} (${s.alerts.open} open)`),
      item("critical", String(sev.critical ?? 0)),
      item("warning", String(sev.warning ?? 0)),
      item("info", String(sev.info ?? 0)),
      item("last alert", s.alerts.lastDetectedAt ?? "none yet"),
      item("share series", `${s.shares.companies} companies, ${s.shares.customsSeries} customs`),
      item("shares updated", s.shares.lastUpdatedAt ?? "never"),
    );
  }

  const refreshStatus = () => api("/v1/dashboard/status").then(renderStatus, failed);

  // --- charts

  function drawCharts(host, charts) {
    // an explanation left open stays open (with the marker's new state) across a redraw
    const open = new Map();
    for (const c of state.charts.filter((c) => c.host === host)) {
      const details = c.section.querySelector(".ep-details");
      if (details && !details.hidden) open.set(c.chart.model.id, details.dataset.markerId);
      c.instance.dispose();
    }
    state.charts = state.charts.filter((c) => c.host !== host);
    host.replaceChildren();
    if (charts.length === 0) host.append(el("p", "ep-muted", "No shares for this selection yet."));
    for (const chart of charts) {
      const section = el("section");
      host.append(section);
      state.charts.push({ host, section, chart, instance: render(section, chart) });
      const marker = chart.model.markers.find((m) => m.id === open.get(chart.model.id));
      if (marker) showMarker(section.querySelector(".ep-details"), marker);
    }
  }

  function fillSelect(select, options, keep) {
    const before = keep ? select.value : undefined;
    select.replaceChildren(...options.map(([value, label]) => Object.assign(el("option", null, label), { value })));
    if (before !== undefined && options.some(([v]) => v === before)) select.value = before;
  }

  async function loadCompany() {
    const company = $("ep-company").value;
    if (!company) return drawCharts($("ep-company-charts"), []);
    const basis = $("ep-basis").value;
    const query = new URLSearchParams({ company, ...(basis ? { basis } : {}) });
    const { charts } = await api(`/v1/dashboard/charts?${query}`);
    drawCharts($("ep-company-charts"), charts);
    // the hub to look at first: one the company's alerts are about
    const hubs = [...$("ep-hub").options].map((o) => o.value);
    const hub = charts.flatMap((c) => c.model.markers.map((m) => m.region)).find((r) => hubs.includes(r));
    if (!state.hubChosen && hub && hub !== $("ep-hub").value) {
      $("ep-hub").value = hub;
      await loadHub();
    }
  }

  async function loadHub() {
    const hub = $("ep-hub").value;
    if (!hub) return drawCharts($("ep-hub-charts"), []);
    const { charts } = await api(`/v1/dashboard/charts?${new URLSearchParams({ hub })}`);
    drawCharts($("ep-hub-charts"), charts);
  }

  async function loadEntities() {
    const { entities } = await api("/v1/shares/entities");
    const companies = [...new Set(entities.map((e) => e.entity.company).filter(Boolean))].sort();
    const hubs = [...new Set(entities.map((e) => e.entity.reporter).filter(Boolean))].sort();
    fillSelect(
      $("ep-company"),
      companies.map((c) => [c, c]),
      true,
    );
    fillSelect(
      $("ep-hub"),
      hubs.map((h) => [h, h]),
      true,
    );
    const company = $("ep-company").value;
    const bases = [...new Set(entities.filter((e) => e.entity.company === company).flatMap((e) => e.bases))].filter((b) => b !== "-");
    fillSelect($("ep-basis"), [["", "basis in use"], ...bases.sort().map((b) => [b, b])], true);
  }

  async function refreshCharts() {
    await loadEntities();
    await loadCompany();
    await loadHub();
  }

  // --- alerts

  function alertItem(a) {
    const li = el("li", `ep-sev-${a.severity}`);
    li.dataset.alertId = a.alertId;
    if (state.fresh.has(a.alertId)) li.classList.add("ep-new");
    const entity = Object.entries(a.entity)
      .map(([k, v]) => (k === "company" ? v : `${k} ${v}`))
      .join(", ");
    li.append(
      el(
        "div",
        "ep-alert-head",
        `[${a.severity}] ${a.rule}: ${entity}, ${a.regionName}, ${a.period}${a.status === "fired" ? "" : ` (${a.status})`}`,
      ),
      el("div", null, a.summary),
      el("div", "ep-alert-meta", `detected ${a.detectedAt}, revision ${a.revision}`),
    );
    li.addEventListener("click", () => {
      for (const c of state.charts) {
        const marker = c.chart.model.markers.find((m) => m.id === a.alertId);
        if (marker) {
          showMarker(c.section.querySelector(".ep-details"), marker);
          c.section.scrollIntoView({ block: "nearest" });
          return;
        }
      }
    });
    return li;
  }

  function renderAlerts() {
    // what arrived live first, then the newest
    const rank = (a) => (state.fresh.has(a.alertId) ? 0 : 1);
    const list = [...state.alerts.values()].sort(
      (a, b) => rank(a) - rank(b) || b.detectedAt.localeCompare(a.detectedAt) || a.alertId.localeCompare(b.alertId),
    );
    const host = $("ep-alerts");
    host.replaceChildren(...list.map(alertItem));
    if (list.length === 0) host.append(el("li", "ep-muted", "No alerts yet."));
  }

  function keep(alert) {
    const prev = state.alerts.get(alert.alertId);
    if (prev && prev.revision > alert.revision) return false;
    state.alerts.set(alert.alertId, alert);
    return true;
  }

  function onLiveAlert(alert) {
    if (!keep(alert)) return;
    state.fresh.add(alert.alertId);
    renderAlerts();
    // charts and counts follow the alerts: once per burst
    clearTimeout(state.refreshTimer);
    state.refreshTimer = setTimeout(() => {
      refreshStatus();
      refreshCharts().catch(failed);
    }, 500);
  }

  function setLive(on, text) {
    $("ep-live").textContent = text;
    $("ep-live").classList.toggle("ep-on", on);
  }

  /** One SSE block ("id: ...\nevent: ...\ndata: ...") as {id, event, data}. */
  function parseEvent(block) {
    const ev = { id: null, event: "message", data: "" };
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) continue;
      const at = line.indexOf(":");
      const field = at < 0 ? line : line.slice(0, at);
      const value = at < 0 ? "" : line.slice(at + 1).replace(/^ /, "");
      if (field === "id") ev.id = value;
      else if (field === "event") ev.event = value;
      else if (field === "data") ev.data += ev.data ? `\n${value}` : value;
    }
    return ev;
  }

  /** Reads the alert stream until it ends, then reconnects; `connected` is called once it answered (or failed). */
  async function stream(lastId, connected) {
    let resumeFrom = lastId;
    try {
      const headers = { authorization: `Bearer ${state.key}`, accept: "text/event-stream" };
      if (resumeFrom) headers["last-event-id"] = resumeFrom;
      const res = await fetch("/v1/alerts/stream", { headers, cache: "no-store" });
      if (res.status === 401) throw new Unauthorized("the API did not accept this key");
      if (!res.ok || !res.body) throw new Error(`alert stream: HTTP ${res.status}`);
      setLive(true, "live");
      connected?.();
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value.replace(/\r\n?/g, "\n");
        for (let cut = buffer.indexOf("\n\n"); cut >= 0; cut = buffer.indexOf("\n\n")) {
          const ev = parseEvent(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
          if (ev.id) resumeFrom = ev.id;
          if (ev.event === "alert" && ev.data) onLiveAlert(JSON.parse(ev.data));
        }
      }
    } catch (err) {
      connected?.();
      if (err instanceof Unauthorized) return failed(err);
      console.warn("alert stream interrupted", err);
    }
    if (state.stopped) return;
    setLive(false, "reconnecting");
    setTimeout(() => stream(resumeFrom), RETRY_MS);
  }

  // --- start

  async function open(key) {
    state.key = key;
    state.stopped = false;
    try {
      renderStatus(await api("/v1/dashboard/status"));
    } catch (err) {
      return err instanceof Unauthorized ? forget(err.message) : showForm(`The API did not answer: ${err.message}`);
    }
    sessionStorage.setItem(STORAGE_KEY, key);
    $("ep-key-form").hidden = true;
    $("ep-forget").hidden = false;
    $("ep-app").hidden = false;
    // the stream first (it starts after the newest alert when it answers), then the list: an
    // alert in between arrives twice, never not at all
    await new Promise((connected) => stream(null, connected));
    const { alerts } = await api("/v1/alerts?limit=500");
    for (const a of alerts) keep(a);
    renderAlerts();
    await refreshCharts();
    setInterval(() => {
      if (!state.stopped) refreshStatus();
    }, STATUS_EVERY_MS);
  }

  $("ep-key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const key = $("ep-key").value.trim();
    $("ep-key").value = "";
    if (key) open(key).catch(failed);
  });
  $("ep-forget").addEventListener("click", () => forget(""));
  $("ep-company").addEventListener("change", () => {
    loadEntities().then(loadCompany).catch(failed);
  });
  $("ep-basis").addEventListener("change", () => loadCompany().catch(failed));
  $("ep-hub").addEventListener("change", () => {
    state.hubChosen = true;
    loadHub().catch(failed);
  });

  const saved = sessionStorage.getItem(STORAGE_KEY);
  if (saved) open(saved).catch(failed);
  else showForm("");
})(window);
