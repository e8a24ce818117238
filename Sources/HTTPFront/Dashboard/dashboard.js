// crawld's dashboard: one WebSocket (/dashboard/live) pushes a snapshot of
// every monitor.* op and job.list; buttons POST to the same routes as curl.
// Every value is written with textContent, never as HTML: URLs and error
// messages come from the sites crawld visits.
"use strict";

const tokenKey = "crawld.token";
let socket = null;
let lastSnapshot = null;

const $ = (id) => document.getElementById(id);

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function row(cells) {
  const tr = document.createElement("tr");
  for (const cell of cells) {
    if (cell instanceof Node) { const td = el("td"); td.appendChild(cell); tr.appendChild(td); }
    else tr.appendChild(el("td", cell ?? "–"));
  }
  return tr;
}

function fill(tableId, rows) {
  const body = $(tableId).tBodies[0];
  body.replaceChildren(...rows);
}

const bytes = (n) => {
  if (n === null || n === undefined) return "–";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return n.toFixed(i ? 1 : 0) + " " + units[i];
};
const seconds = (s) => {
  if (s === null || s === undefined || !isFinite(s)) return "–";
  s = Math.round(s);
  const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
  return d ? `${d}d ${h}h` : h ? `${h}h ${m}m` : m ? `${m}m ${s % 60}s` : `${s}s`;
};
const time = (epoch) => epoch ? new Date(epoch * 1000).toLocaleTimeString() : "–";

// MARK: - connection

function token() { return sessionStorage.getItem(tokenKey) || ""; }

function connect() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  socket = new WebSocket(`${scheme}//${location.host}/dashboard/live`);
  setLink("connecting");
  socket.onopen = () => socket.send(JSON.stringify({ token: token(), auto: $("auto").checked }));
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "error") return askForToken(message.error.message);
    if (message.type === "snapshot") { setLink("open"); render(message); }
  };
  socket.onclose = () => {
    setLink("closed");
    if (!$("token-form").hidden) return;
    setTimeout(connect, 3000);
  };
}

function setLink(state) {
  const badge = $("link");
  badge.textContent = state === "open" ? "live" : state;
  badge.className = "badge " + state;
}

function askForToken(reason) {
  $("data").hidden = true;
  $("token-form").hidden = false;
  $("token-error").textContent = token() ? reason : "";
  sessionStorage.removeItem(tokenKey);
  $("token").focus();
}

$("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem(tokenKey, $("token").value);
  $("token").value = "";
  $("token-form").hidden = true;
  if (socket) socket.close();
  connect();
});

$("auto").addEventListener("change", () => send({ auto: $("auto").checked }));
$("refresh").addEventListener("click", () => send({ refresh: true }));

function send(message) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

// MARK: - actions

async function post(path, body) {
  const headers = { "Content-Type": "application/json" };
  if (token()) headers.Authorization = "Bearer " + token();
  const response = await fetch(path, { method: "POST", headers, body: body ? JSON.stringify(body) : "", credentials: "omit" });
  const answer = await response.json();
  if (response.status === 401) askForToken(answer.error.message);
  $("action-result").textContent = answer.ok ? `${path.split("/").pop()}: done` : `${answer.error.code}: ${answer.error.message}`;
  $("action-result").className = answer.ok ? "" : "error";
  send({ refresh: true });
  return answer;
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-action]");
  if (!button) return;
  const sig = button.dataset.sig;
  if (button.dataset.confirm && !confirm(button.dataset.confirm)) return;
  post(button.dataset.action, sig ? { sig } : null);
});

for (const tab of document.querySelectorAll("[data-tab]")) {
  tab.addEventListener("click", () => {
    for (const other of document.querySelectorAll("[data-tab]")) other.classList.toggle("active", other === tab);
    for (const pane of document.querySelectorAll(".tab")) pane.hidden = pane.id !== "tab-" + tab.dataset.tab;
  });
}

function actionButton(label, path, sig, danger) {
  const button = el("button", label, danger ? "danger" : "");
  button.type = "button";
  button.dataset.action = path;
  if (sig) button.dataset.sig = sig;
  return button;
}

// MARK: - panels

function render(s) {
  lastSnapshot = s;
  $("data").hidden = false;
  renderHealth(s.health);
  renderPool(s.pool);
  renderRequests(s.requests);
  renderEndpoints(s.endpoints);
  chart("chart-memory", s.timeline_memory, (v) => v);
  chart("chart-requests", s.timeline_requests, (v) => v);
  chart("chart-pool", s.timeline_pool, (v) => Object.values(v || {}).reduce((a, b) => a + b, 0));
  renderLogs(s.janitor, s.errors);
  renderCluster(s.cluster);
  renderJobs(s.jobs);
}

function renderHealth(h) {
  if (!h || h.error) return;
  $("instance").textContent = `${h.instance} · ${h.version}`;
  $("cpu").textContent = h.cpu_percent.toFixed(1) + " %";
  $("memory").textContent = h.memory_percent.toFixed(1) + " %";
  $("pressure").textContent = h.pressure;
  $("pressure").className = "badge " + h.pressure;
  $("network").textContent = `↓ ${bytes(h.network.rx_bytes)} ↑ ${bytes(h.network.tx_bytes)}`;
  $("uptime").textContent = seconds(h.uptime_s);
  $("inflight").textContent = h.in_flight;
  $("redis").textContent = h.redis.state;
  $("scripts").textContent = `gen ${h.scripts.generation}` + (h.scripts.last_error ? " · last reload failed" : "");
  $("scripts").title = h.scripts.last_error || "";
  const tiers = ["permanent", "hot", "cold"].map((tier) => {
    const t = h.pool[tier] || { engines: 0, memory_bytes: 0 };
    const box = el("div");
    box.dataset.tier = tier;
    box.append(el("div", tier, "label"), el("div", `${t.engines} engine${t.engines === 1 ? "" : "s"}`, "value"), el("div", bytes(t.memory_bytes), "label"));
    return box;
  });
  $("tiers").replaceChildren(...tiers);
}

function renderPool(p) {
  if (!p || p.error) return;
  fill("engines", p.engines.map((e) => {
    const tr = row([e.tier, e.sig, e.engine, e.state, seconds(e.age_s), seconds(e.idle_s), bytes(e.memory_bytes), e.hits, e.in_flight, actions(e)]);
    tr.dataset.sig = e.sig;
    return tr;
  }));
}

function actions(engine) {
  const cell = el("span");
  if (engine.killable) cell.appendChild(actionButton("kill", "/monitor/actions/kill", engine.sig, true));
  cell.appendChild(actionButton("restart", "/monitor/actions/restart", engine.tier === "permanent" ? "permanent" : engine.sig));
  return cell;
}

function renderRequests(r) {
  if (!r || r.error) return;
  const now = Date.now() / 1000;
  fill("active", r.active.map((a) => row([a.op, a.url, seconds(now - a.started_at)])));
  fill("completed", r.completed.map((c) => {
    const tr = row([c.op, c.url, c.success ? (c.status ?? "ok") : c.error, c.elapsed_ms.toFixed(1), c.pool_hit === null ? "–" : c.pool_hit ? "hit" : "miss"]);
    tr.cells[1].className = "url";
    return tr;
  }));
}

function renderEndpoints(e) {
  if (!e || e.error) return;
  fill("endpoints", Object.entries(e.ops).map(([op, s]) => row([op, s.count, s.avg_latency_ms, s.success_pct, s.pool_hit_pct, s.errors])));
}

function renderLogs(janitor, errors) {
  if (janitor && !janitor.error) fill("janitor", janitor.entries.map((j) => row([time(j.at), j.kind, j.sig, j.engine, j.tier, seconds(j.idle_s)])));
  if (errors && !errors.error) fill("errors", errors.entries.map((x) => row([time(x.at), x.op, x.code, x.message, x.url])));
}

function renderCluster(c) {
  if (!c || c.error) return;
  fill("cluster", c.instances.map((i) => row([i.id, i.hostname, i.pid, i.listen, i.in_flight, time(i.last_seen)])));
  const total = c.instances.reduce((sum, i) => sum + (i.in_flight || 0), 0);
  const foot = row([`${c.instances.length} instance${c.instances.length === 1 ? "" : "s"}`, `redis: ${c.redis}`, "", "", total, ""]);
  $("cluster").tFoot.replaceChildren(foot);
}

function renderJobs(j) {
  if (!j || j.error) return;
  fill("jobs", j.jobs.map((job) => {
    const rate = job.runtime_s > 0 ? job.crawled / job.runtime_s : 0;
    const left = job.total - job.crawled;
    const bar = el("span", null, "progress");
    const fillBar = el("span");
    fillBar.style.width = Math.min(100, job.percent) + "%";
    bar.appendChild(fillBar);
    const progress = el("span");
    progress.append(bar, document.createTextNode(` ${job.crawled}/${job.total}`));
    const final = ["completed", "failed", "cancelled"].includes(job.state);
    const cancel = final ? el("span") : actionButton("cancel", `/jobs/${encodeURIComponent(job.job)}/cancel`, null, true);
    const tr = row([job.job, job.state, progress, rate.toFixed(2), final || rate === 0 ? "–" : seconds(left / rate), job.failed, cancel]);
    tr.dataset.job = job.job;
    return tr;
  }));
}

// A line and one circle per point, scaled to the window's own maximum.
function chart(id, series, value) {
  const svg = $(id);
  if (!series || series.error) return;
  const values = series.values.map(value);
  const max = Math.max(1, ...values);
  const n = values.length;
  const points = values.map((v, i) => [n === 1 ? 150 : i * 300 / (n - 1), 95 - v / max * 90]);
  const ns = "http://www.w3.org/2000/svg";
  const line = document.createElementNS(ns, "polyline");
  line.setAttribute("points", points.map((p) => p.join(",")).join(" "));
  const dots = points.map(([x, y], i) => {
    const dot = document.createElementNS(ns, "circle");
    dot.setAttribute("cx", x); dot.setAttribute("cy", y); dot.setAttribute("r", 1.6);
    const title = document.createElementNS(ns, "title");
    title.textContent = `${time(series.timestamps[i])}: ${values[i]}`;
    dot.appendChild(title);
    return dot;
  });
  svg.replaceChildren(line, ...dots);
}

connect();
