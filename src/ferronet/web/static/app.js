// ferronet web front-end: small helpers, no framework. Plots use plotly.js served from the Python package.
const ferronet = (() => {
  const $ = (id) => document.getElementById(id);
  const split = (s) => (s || "").split(",").map((x) => x.trim()).filter(Boolean);
  const esc = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]));

  const HEAVY = ["/api/predict", "/api/recommend", "/api/combo"];

  async function call(url, options, button) {
    const heavy = HEAVY.includes(url);
    // Long work shows progress: elapsed seconds while the request runs, the button disabled.
    const progress = $("progress"), error = $("error");
    if (error) error.textContent = "";
    const t0 = Date.now();
    if (button) button.disabled = true;
    let queue = "";
    const timer = setInterval(() => { if (progress) progress.textContent = `working… ${((Date.now() - t0) / 1000).toFixed(0)} s${queue}`; }, 250);
    const poll = heavy ? setInterval(async () => {
      try { const st = await (await fetch("/api/status")).json();
        queue = st.waiting ? ` (${st.waiting} job(s) waiting, ${st.running} running)` : (st.running ? " (computing)" : ""); } catch (e) { queue = ""; }
    }, 1000) : null;
    if (progress) progress.textContent = "working…";
    try {
      const res = await fetch(url, options);
      let data;
      try { data = await res.json(); } catch (e) { data = {error: `the server answered ${res.status} without details`}; }
      if (res.status === 503 && res.headers.get("Retry-After")) {
        throw new Error(`${data.error || "server busy"} (please retry in ${res.headers.get("Retry-After")} s)`);
      }
      if (!res.ok) {
        let msg = data.error || "request failed";
        // the server's message names the closest known names already; add them only when it does not
        if (data.suggestions && data.suggestions.length && !msg.includes("did you mean")) {
          msg += ` (did you mean: ${data.suggestions.join(", ")}?)`;
        }
        if (data.problems) msg += "\n" + data.problems.join("\n");
        if (Array.isArray(data.detail)) msg = data.detail.map((d) => `${d.loc.join(".")}: ${d.msg}`).join("\n");
        throw new Error(msg);
      }
      if (progress) progress.textContent = `done in ${((Date.now() - t0) / 1000).toFixed(1)} s`;
      return data;
    } catch (e) {
      if (error) error.textContent = e.message;
      if (progress) progress.textContent = "";
      throw e;
    } finally {
      clearInterval(timer);
      if (poll) clearInterval(poll);
      if (button) button.disabled = false;
    }
  }
  const post = (url, body, button) => call(url, {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)}, button);

  async function loadNames() {
    const n = await (await fetch("/api/names")).json();
    const fill = (id, items) => { const el = $(id); if (el) el.innerHTML = items.map((x) => `<option value="${esc(x)}">`).join(""); };
    const actions = ["knockout", "knockdown", "overexpression", "inhibition", "activation"];
    fill("cells", n.cells);
    fill("perturbation-names", [...n.compounds, ...n.conditions, ...n.genes.flatMap((g) => actions.map((a) => `${g}:${a}`))]);
    fill("readout-names", n.readouts);
    fill("compound-names", n.compounds);
    fill("therapy-names", n.therapies);
    fill("cancer-names", n.cancers);
    fill("gene-names", n.genes);
  }

  function stateQuery(perturbations, cell) {
    const q = new URLSearchParams();
    perturbations.forEach((p) => q.append("perturbations", p));
    if (cell) q.set("cell", cell);
    return q.toString();
  }

  async function simulate() {
    const body = {perturbations: split($("perturbations").value), cell: $("cell").value || null, readouts: split($("readouts").value)};
    const d = await post("/api/simulate", body, $("run-sim"));
    const link = $("network-link");
    if (link) link.innerHTML = `<a href="/network?${stateQuery(body.perturbations, body.cell)}">Show this state on the network</a>`;
    const names = Object.keys(d.final);
    $("final").innerHTML = `<tr><th>readout</th>${d.conditions.map((c) => `<th>${esc(c)}</th>`).join("")}</tr>` +
      names.map((n) => `<tr><td>${esc(n)}</td>${d.final[n].map((v) => `<td>${v.toFixed(3)}</td>`).join("")}</tr>`).join("");
    const plots = $("plots");
    plots.innerHTML = "";
    for (const n of names) {
      const div = document.createElement("div");
      div.className = "plot";
      plots.appendChild(div);
      const traces = d.timecourses[n].map((y, i) => ({x: d.times_h, y, name: d.conditions[i], mode: "lines"}));
      Plotly.newPlot(div, traces, {title: {text: n}, height: 300, margin: {t: 40, b: 40}, xaxis: {title: {text: "time (h)"}},
        yaxis: {title: {text: n === "ferroptosis" ? "fraction dead" : "relative to untreated"}}}, {displaylogo: false});
    }
  }

  async function combo() {
    const drugs = [$("drug-a").value.trim(), $("drug-b").value.trim()];
    const doses = {};
    for (const [i, id] of [[0, "doses-a"], [1, "doses-b"]]) {
      const el = $(id);
      if (el && el.value.trim()) doses[drugs[i]] = split(el.value).map(Number);
    }
    const body = {drugs, cell: $("cell").value || null, ...(Object.keys(doses).length ? {doses} : {})};
    const d = await post("/api/combo", body, $("run-combo"));
    $("scores").textContent = "Mean synergy: " + Object.entries(d.scores).map(([k, v]) => `${k} ${v >= 0 ? "+" : ""}${v.toFixed(3)}`).join(", ");
    const grid = $("heatmaps");
    grid.innerHTML = "";
    // synergy: red > 0 (synergy), blue < 0 (antagonism), as in the report and the CLI figures (RdBu_r)
    const SYNERGY = [[0, "#2166ac"], [0.5, "#f7f7f7"], [1, "#b2182b"]];
    if (d.failed_wells) $("scores").textContent += ` (${d.failed_wells} wells failed and are not scored)`;
    const panels = [["fraction dead", d.response, "Viridis"], ...Object.entries(d.synergy).map(([k, v]) => [`${k} synergy`, v, SYNERGY])];
    for (const [title, z, scale] of panels) {
      const div = document.createElement("div");
      grid.appendChild(div);
      Plotly.newPlot(div, [{z, x: d.doses_b.map((v) => v.toPrecision(2)), y: d.doses_a.map((v) => v.toPrecision(2)), type: "heatmap",
        colorscale: scale, zmid: scale === SYNERGY ? 0 : undefined}],
        {title: {text: title}, height: 320, margin: {t: 40}, xaxis: {title: {text: `${d.drug_b} (uM)`}, type: "category"}, yaxis: {title: {text: `${d.drug_a} (uM)`}, type: "category"}},
        {displaylogo: false});
    }
    const col0 = d.response.map((row) => row[0]), row0 = d.response[0];
    Plotly.newPlot($("dr"), [{x: d.doses_a.slice(1), y: col0.slice(1), name: d.drug_a, mode: "lines+markers"},
      {x: d.doses_b.slice(1), y: row0.slice(1), name: d.drug_b, mode: "lines+markers"}],
      {title: {text: "single-drug dose-response"}, height: 300, xaxis: {type: "log", title: {text: "dose (uM)"}}, yaxis: {title: {text: "fraction dead"}, range: [0, 1]}},
      {displaylogo: false});
  }

  async function recommend() {
    const body = {therapy: $("therapy").value, cancer: $("cancer").value || null, mutations: split($("mutations").value), top: 10};
    const d = await post("/api/recommend", body, $("run-rec"));
    $("state").innerHTML = `Resistant state: <b>${esc(d.resistant_state.join(", ") || "none documented")}</b>; therapy simulated as <b>${esc(d.therapy_model)}</b>; ` +
      `death with the therapy alone: <b>${d.baseline_death.toFixed(2)}</b>.`;
    $("ranking").innerHTML = "<tr><th>#</th><th>intervention</th><th>axis</th><th>score</th><th>restoration</th><th>Bliss</th><th>basis</th><th>supporting strategies</th><th>references</th></tr>" +
      d.recommendations.map((r, i) => `<tr><td>${i + 1}</td><td>${esc(r.intervention)}</td><td>${esc(r.axis)}</td><td>${r.score.toFixed(3)}</td>` +
        `<td>${r.restoration.toFixed(3)}</td><td>${r.bliss.toFixed(3)}</td><td class="${r.supporting.length ? "lit" : "sim"}">${esc(r.basis)}</td>` +
        `<td>${r.supporting.slice(0, 3).map(esc).join("<br>")}</td><td>${r.evidence.slice(0, 6).map(esc).join(", ")}</td></tr>`).join("");
    const q = new URLSearchParams({therapy: d.therapy, ...(d.cancer ? {cancer: d.cancer} : {})});
    body.mutations.forEach((m) => q.append("mutation", m));
    $("report-link").innerHTML = `<a id="report" href="/api/report?${q}">Download the full report (HTML)</a>`;
  }

  async function predict() {
    const form = new FormData();
    form.append("drug", $("drug").value);
    if (!$("expression").files.length) { $("error").textContent = "choose an expression table first"; return; }
    form.append("expression", $("expression").files[0]);
    if ($("mutations").files.length) form.append("mutations", $("mutations").files[0]);
    form.append("readout", $("readout").value);
    const d = await call("/api/predict", {method: "POST", body: form}, $("run-predict"));
    $("warnings").innerHTML = d.warnings.map((w) => `<p>warning: ${esc(w)}</p>`).join("");
    $("predictions").innerHTML = `<tr>${d.columns.map((c) => `<th>${esc(c)}</th>`).join("")}</tr>` +
      d.rows.map((r) => `<tr>${d.columns.map((c) => `<td>${typeof r[c] === "number" ? (Number.isInteger(r[c]) ? String(r[c]) : r[c].toFixed(3)) : esc(r[c])}</td>`).join("")}</tr>`).join("");
    const url = URL.createObjectURL(new Blob([d.tsv], {type: "text/tab-separated-values"}));
    $("download").innerHTML = `<a id="download-link" href="${url}" download="ferronet-predictions-${esc(d.drug)}.tsv">Download predictions (TSV)</a>`;
  }

  async function network(id, labelId) {
    // An SVG force layout computed once (simple spring embedding), with pan (drag), zoom (wheel) and click-to-open.
    const res = await fetch("/api/network" + window.location.search);
    const d = await res.json();
    if (!res.ok) { $("error").textContent = d.error || "cannot load the network"; return; }
    $(labelId).textContent = d.state_of;
    const el = $(id), W = el.clientWidth, H = el.clientHeight;
    const nodes = d.nodes.map((n, i) => ({...n, x: W / 2 + 250 * Math.cos(i), y: H / 2 + 250 * Math.sin(i * 1.7), vx: 0, vy: 0}));
    const index = Object.fromEntries(nodes.map((n, i) => [n.id, i]));
    const edges = d.edges.map((e) => ({...e, s: index[e.source], t: index[e.target]}));
    for (let it = 0; it < 300; it++) {
      for (const a of nodes) { a.fx = (W / 2 - a.x) * 0.002; a.fy = (H / 2 - a.y) * 0.002; }
      for (let i = 0; i < nodes.length; i++) for (let j = i + 1; j < nodes.length; j++) {
        const a = nodes[i], b = nodes[j], dx = a.x - b.x, dy = a.y - b.y, r2 = dx * dx + dy * dy + 1, f = 900 / r2;
        a.fx += dx * f / Math.sqrt(r2); a.fy += dy * f / Math.sqrt(r2); b.fx -= dx * f / Math.sqrt(r2); b.fy -= dy * f / Math.sqrt(r2);
      }
      for (const e of edges) {
        const a = nodes[e.s], b = nodes[e.t], dx = b.x - a.x, dy = b.y - a.y, dist = Math.sqrt(dx * dx + dy * dy) + 0.01, f = (dist - 70) * 0.01;
        a.fx += dx / dist * f; a.fy += dy / dist * f; b.fx -= dx / dist * f; b.fy -= dy / dist * f;
      }
      for (const a of nodes) { a.x += Math.max(-10, Math.min(10, a.fx)); a.y += Math.max(-10, Math.min(10, a.fy)); }
    }
    const color = (v) => { const l = Math.max(-2, Math.min(2, Math.log2(Math.max(v, 1e-3)))) / 2;
      return l >= 0 ? `rgb(255,${Math.round(255 * (1 - l))},${Math.round(255 * (1 - l))})` : `rgb(${Math.round(255 * (1 + l))},${Math.round(255 * (1 + l))},255)`; };
    const svgNS = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(svgNS, "svg");
    svg.setAttribute("width", "100%"); svg.setAttribute("height", "100%");
    const g = document.createElementNS(svgNS, "g");
    svg.appendChild(g);
    for (const e of edges) {
      const line = document.createElementNS(svgNS, "line");
      const a = nodes[e.s], b = nodes[e.t];
      Object.entries({x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: e.sign === "+" ? "#4a9c4a" : "#b04040", "stroke-opacity": 0.45,
        "stroke-dasharray": e.sign === "+" ? "" : "4 3"}).forEach(([k, v]) => line.setAttribute(k, v));
      const title = document.createElementNS(svgNS, "title"); title.textContent = `${e.source} ${e.sign === "+" ? "→" : "⊣"} ${e.target} [${e.refs.join(", ")}]`;
      line.appendChild(title); g.appendChild(line);
    }
    for (const n of nodes) {
      const a = document.createElementNS(svgNS, "a");
      a.setAttribute("href", n.id === "ferroptosis" ? "/network" : `/entity/${encodeURIComponent(n.id)}`);
      a.setAttribute("class", "node"); a.setAttribute("data-node", n.id);
      const c = document.createElementNS(svgNS, "circle");
      Object.entries({cx: n.x, cy: n.y, r: n.id === "ferroptosis" ? 16 : 11, fill: color(n.activity), stroke: "#333"}).forEach(([k, v]) => c.setAttribute(k, v));
      const t = document.createElementNS(svgNS, "text");
      Object.entries({x: n.x, y: n.y + 3, "text-anchor": "middle", "font-size": 8}).forEach(([k, v]) => t.setAttribute(k, v));
      t.textContent = n.id;
      const title = document.createElementNS(svgNS, "title"); title.textContent = `${n.id}: ${n.activity.toFixed(2)}x`;
      a.append(c, t, title); g.appendChild(a);
    }
    el.appendChild(svg);
    let scale = 1, tx = 0, ty = 0, drag = null;
    const apply = () => g.setAttribute("transform", `translate(${tx},${ty}) scale(${scale})`);
    svg.addEventListener("wheel", (ev) => { ev.preventDefault(); const k = ev.deltaY < 0 ? 1.15 : 1 / 1.15;
      const r = svg.getBoundingClientRect(), mx = ev.clientX - r.left, my = ev.clientY - r.top;
      tx = mx - (mx - tx) * k; ty = my - (my - ty) * k; scale *= k; apply(); }, {passive: false});
    svg.addEventListener("mousedown", (ev) => { drag = {x: ev.clientX - tx, y: ev.clientY - ty}; });
    window.addEventListener("mousemove", (ev) => { if (drag) { tx = ev.clientX - drag.x; ty = ev.clientY - drag.y; apply(); } });
    window.addEventListener("mouseup", () => { drag = null; });
  }

  function init() {
    // Pages carry no inline script (Content-Security-Policy): buttons and pages are wired here.
    const actions = {"run-sim": simulate, "run-combo": combo, "run-rec": recommend, "run-predict": predict};
    for (const [id, fn] of Object.entries(actions)) {
      const b = $(id);
      if (b) b.addEventListener("click", () => fn().catch(() => {}));
    }
    document.querySelectorAll("form.panel").forEach((f) => f.addEventListener("submit", (ev) => ev.preventDefault()));
    if (document.querySelector("datalist")) loadNames();
    if ($("net")) network("net", "state-of");
  }
  document.addEventListener("DOMContentLoaded", init);

  return {loadNames, simulate, combo, recommend, predict, network};
})();
