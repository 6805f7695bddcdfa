// The gateway's dashboard: a small ActionCable client of /cable (no build step, no dependencies).
// Agents come from AgentStatusChannel; every listed agent also gets ClusterViewsChannel and
// ClusterEventsChannel subscriptions. Subscriptions resume with `since` after a reconnect.
"use strict";

const MAX_FEED = 200;
const MAX_WATCHED_AGENTS = 60;
const STALE_MS = 6000; // two missed pings, as the stock client counts

const $ = (id) => document.getElementById(id);
const el = (tag, text, attrs = {}) => {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
};
const time = (iso) => (iso ? new Date(iso).toLocaleTimeString() : "");

class Cable {
  constructor(url, onState) {
    this.url = url;
    this.onState = onState;
    this.subscriptions = new Map(); // identifier params (JSON) -> { params, handlers, seq, epoch, identifier }
    this.stopped = false;
    this.attempts = 0;
    this.reconnects = 0; // welcomes after the first: the page's own count of lost and regained connections
  }

  connect() {
    // After a lost connection (a drained gateway, a network blip) the page says so until it is back.
    this.onState(this.welcomed ? "reconnecting" : "connecting");
    const socket = new WebSocket(this.url, ["actioncable-v1-json", "actioncable-unsupported"]);
    this.socket = socket;
    socket.onmessage = (event) => this.receive(JSON.parse(event.data));
    socket.onclose = () => {
      if (this.socket !== socket) return;
      clearInterval(this.watchdog);
      if (this.stopped) return;
      this.onState("disconnected");
      const delay = Math.min(10000, 500 * 2 ** this.attempts++);
      setTimeout(() => this.connect(), delay);
    };
    this.lastSeen = Date.now();
    clearInterval(this.watchdog);
    this.watchdog = setInterval(() => {
      if (Date.now() - this.lastSeen > STALE_MS) socket.close();
    }, 1000);
  }

  subscribe(params, handlers) {
    const key = JSON.stringify(params);
    if (this.subscriptions.has(key)) return;
    const entry = { params, handlers, seq: null, epoch: null, identifier: null };
    this.subscriptions.set(key, entry);
    this.send(entry);
  }

  send(entry) {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return;
    const params = entry.seq === null ? entry.params : { ...entry.params, since: entry.seq, epoch: entry.epoch };
    entry.identifier = JSON.stringify(params);
    this.socket.send(JSON.stringify({ command: "subscribe", identifier: entry.identifier }));
  }

  find(identifier) {
    for (const entry of this.subscriptions.values()) if (entry.identifier === identifier) return entry;
    return null;
  }

  receive(frame) {
    this.lastSeen = Date.now();
    switch (frame.type) {
      case "welcome":
        if (this.welcomed) this.reconnects++;
        this.welcomed = true;
        this.attempts = 0;
        this.onState("connected");
        for (const entry of this.subscriptions.values()) this.send(entry);
        return;
      case "ping":
        return;
      case "disconnect":
        if (!frame.reconnect) {
          this.stopped = true;
          this.onState("refused", frame.reason);
        }
        this.socket.close();
        return;
      case "reject_subscription": {
        const entry = this.find(frame.identifier);
        if (!entry) return;
        if (/try again/.test(frame.reason ?? "")) {
          // A busy cluster, not a refusal: ask again, less often each time, on the same socket.
          const socket = this.socket;
          const delay = Math.min(10000, 1000 * 2 ** (entry.retries = (entry.retries ?? 0) + 1));
          setTimeout(() => { if (this.socket === socket) this.send(entry); }, delay);
          return;
        }
        entry.handlers.rejected?.(frame.reason);
        return;
      }
      case "confirm_subscription": {
        const entry = this.find(frame.identifier);
        if (entry) entry.retries = 0;
        return;
      }
      default: {
        const entry = this.find(frame.identifier);
        const message = frame.message;
        if (!entry || !message) return;
        if (typeof message.seq === "number") {
          entry.seq = message.seq;
          entry.epoch = message.epoch;
        }
        entry.handlers.received(message);
      }
    }
  }
}

const agents = new Map(); // name -> status
const views = new Map(); // name -> { view, offline }
let cable = null;

function renderAgents() {
  const body = $("agents");
  body.replaceChildren();
  const names = [...agents.keys()].sort();
  for (const name of names) {
    const a = agents.get(name);
    const state = a.connected ? "connected" : "disconnected";
    const row = el("tr", undefined, { "data-agent": name, "data-status": state });
    row.append(el("td", name));
    const status = el("td");
    status.append(el("span", state, { class: "badge", "data-state": state }));
    const leader = a.leader ? `${a.leader}${a.replicas > 1 ? ` (${a.replicas} replicas)` : ""}` : "";
    row.append(status, el("td", a.gateways.join(", ")), el("td", leader, { class: "leader" }), el("td", time(a.since)));
    body.append(row);
  }
  const connected = names.filter((n) => agents.get(n).connected).length;
  $("summary").textContent = `${connected} of ${names.length} agents connected`;
}

function renderViews() {
  const box = $("views");
  box.replaceChildren();
  for (const name of [...views.keys()].sort()) {
    const { view, offline } = views.get(name);
    const card = el("div", undefined, { class: "view", "data-agent": name });
    card.append(el("strong", name + " "));
    if (offline) card.append(el("span", "offline, last known ", { class: "offline" }));
    if (!view) {
      card.append(el("span", "no view yet", { class: "muted" }));
    } else {
      const pods = view.pods_by_namespace.reduce(
        (t, ns) => ({ running: t.running + ns.running, pending: t.pending + ns.pending, failed: t.failed + ns.failed }),
        { running: 0, pending: 0, failed: 0 });
      card.append(el("div",
        `nodes ${view.nodes_ready}/${view.node_count} ready · pods ${pods.running} running, ${pods.pending} pending, ${pods.failed} failed · ` +
        `${view.workloads_not_available.length} workloads not available · ${view.warning_events_per_minute.toFixed(1)} warnings/min`));
    }
    box.append(card);
  }
}

function feed(kind, text) {
  const list = $("feed");
  const item = el("li", `${new Date().toLocaleTimeString()}  ${text}`, { class: "event", "data-kind": kind });
  list.prepend(item);
  while (list.children.length > MAX_FEED) list.lastChild.remove();
}

function watchAgent(name) {
  if (views.has(name) || views.size >= MAX_WATCHED_AGENTS) return;
  views.set(name, { view: null, offline: false });
  cable.subscribe({ channel: "ClusterViewsChannel", agent: name }, {
    received(m) {
      if (m.type === "snapshot") views.set(name, { view: m.view ?? null, offline: m.offline });
      if (m.type === "cluster_view") views.set(name, { view: m.view, offline: false });
      renderViews();
    },
  });
  cable.subscribe({ channel: "ClusterEventsChannel", agent: name }, {
    received(m) {
      if (m.type === "cluster_event") {
        const where = m.namespace ? `${m.namespace}/${m.name}` : m.name;
        feed("cluster", `${m.agent}  ${m.event_type} ${m.kind} ${where}  ${m.summary}`);
      } else if (m.type === "reset") {
        feed("reset", `${name}: some events were missed (${m.reason})`);
      }
    },
  });
}

function onStatus(m) {
  if (m.type === "snapshot") {
    agents.clear();
    for (const a of m.agents) {
      agents.set(a.agent, { connected: a.connected, since: a.since, gateways: a.connections.map((c) => c.gateway), leader: a.leader, replicas: a.replicas });
      watchAgent(a.agent);
    }
    $("agents-truncated").hidden = !m.truncated;
  } else if (m.type === "agent_status") {
    const before = agents.get(m.agent);
    agents.set(m.agent, {
      connected: m.connected,
      since: m.at,
      gateways: m.connected ? [...new Set([...(before?.connected ? before.gateways : []), m.gateway])] : [],
      // Status changes name no leader; the last one known stays until the next snapshot, and goes with the agent.
      leader: m.connected ? before?.leader : null,
      replicas: m.connected ? before?.replicas : 0,
    });
    feed("status", `${m.agent}  ${m.connected ? "connected through" : "disconnected from"} ${m.gateway}`);
    watchAgent(m.agent);
    const known = views.get(m.agent);
    if (known) {
      // The last view stays on screen, marked, until the agent reports again.
      views.set(m.agent, { ...known, offline: !m.connected });
      renderViews();
    }
  }
  renderAgents();
}

function start(token) {
  $("login").hidden = true;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const url = `${scheme}://${location.host}/cable` + (token ? `?token=${encodeURIComponent(token)}` : "");
  cable = new Cable(url, (state, reason) => {
    const badge = $("connection");
    badge.dataset.state = state;
    badge.dataset.reconnects = String(cable.reconnects);
    badge.textContent = state;
    if (state === "refused") {
      sessionStorage.removeItem("plural-token");
      $("login-reason").textContent = `The gateway refused the connection (${reason}).`;
      $("login").hidden = false;
    }
  });
  cable.subscribe({ channel: "AgentStatusChannel" }, { received: onStatus });
  cable.connect();
}

$("login").addEventListener("submit", (event) => {
  event.preventDefault();
  const token = $("token").value.trim();
  if (!token) return;
  sessionStorage.setItem("plural-token", token);
  start(token);
});

// A token in the fragment (#token=...) never reaches a server log; keep it for this tab only.
const fromHash = new URLSearchParams(location.hash.slice(1)).get("token");
if (fromHash) {
  sessionStorage.setItem("plural-token", fromHash);
  history.replaceState(null, "", location.pathname + location.search);
}
start(sessionStorage.getItem("plural-token"));
