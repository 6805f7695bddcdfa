// The fleet page: agents a page at a time from the gateway (ListAgents' own paging and label selector), kept live by
// AgentStatusChannel, with the cluster views and events of the agents on the page.
"use strict";

import { el, link, time, labelsText, api, table, healthCell } from "./dom.js";

const PAGE_SIZE = 50; // fits a laptop screen in two scrolls, and stays under what a page subscribes to at once
const MAX_FEED = 200;

// The pages already seen, so "Previous" can go back: ListAgents pages forward only.
let trail = { selector: null, afters: [] };

export function fleetPage(main, { cable, token, setSummary }, query) {
  const selector = query.get("selector") ?? "";
  const after = query.get("after") ?? "";
  if (trail.selector !== selector) trail = { selector, afters: [] };
  if (!after) trail.afters = [];

  const agents = new Map(); // name -> row state
  const latest = new Map(); // name -> the newest agent_status seen, to apply over a page read before it
  const latestHealth = new Map(); // "name instance" -> the newest agent_conditions seen, likewise
  const views = new Map(); // name -> { view, offline }
  const ends = [];

  const filter = el("form", undefined, { id: "fleet-filter", class: "filter", role: "search" });
  const input = el("input", undefined, { id: "selector", name: "selector", type: "search", value: selector, placeholder: "env=prod,tier in (web,api)", autocomplete: "off" });
  const label = el("label", "Label selector ", { for: "selector" });
  filter.append(label, input, el("button", "Filter", { type: "submit" }));
  filter.addEventListener("submit", (event) => {
    event.preventDefault();
    location.hash = route(input.value.trim(), "");
  });

  const { node: agentsTable, body } = table("Agents on this page", ["agent", "status", "health", "version", "gateways", "leader", "since", "labels"], { id: "agents-table" });
  const range = el("p", "", { id: "page-range", class: "muted", "aria-live": "polite" });
  const previous = el("button", after ? (trail.afters.length ? "Previous page" : "First page") : "Previous page", { id: "previous-page", type: "button" });
  const next = el("button", "Next page", { id: "next-page", type: "button" });
  previous.disabled = !after;
  next.disabled = true;
  previous.addEventListener("click", () => { location.hash = route(selector, trail.afters.pop() ?? ""); });
  const pager = el("nav", undefined, { class: "pager", "aria-label": "Agent pages" });
  pager.append(previous, range, next);
  const problem = el("p", "", { id: "fleet-error", class: "error", role: "alert", hidden: "" });

  const agentsSection = el("section", undefined, { class: "wide" });
  agentsSection.append(el("h2", "Agents", { tabindex: "-1", id: "page-title" }), filter, problem, agentsTable, pager);
  const viewsBox = el("div", undefined, { id: "views" });
  const viewsSection = el("section");
  viewsSection.append(el("h2", "Cluster views"), viewsBox);
  const feedList = el("ol", undefined, { id: "feed", "aria-live": "polite" });
  const feedSection = el("section", undefined, { class: "feed" });
  feedSection.append(el("h2", "Events"), feedList);
  main.replaceChildren(agentsSection, viewsSection, feedSection);

  function renderAgents() {
    body.replaceChildren();
    for (const [name, a] of agents) {
      const state = a.connected ? "connected" : "disconnected";
      const row = el("tr", undefined, { "data-agent": name, "data-status": state });
      const nameCell = el("td");
      nameCell.append(link(`#/agents/${encodeURIComponent(name)}`, name));
      const status = el("td");
      status.append(el("span", state, { class: "badge", "data-state": state }));
      const leader = a.leader ? `${a.leader}${a.replicas > 1 ? ` (${a.replicas} replicas)` : ""}` : "";
      const replicas = [...a.instances.values()];
      const versions = [...new Set(replicas.map((r) => r.version).filter(Boolean))].join(", ");
      row.append(nameCell, status, healthCell(replicas.flatMap((r) => r.conditions), false), el("td", versions, { class: "version" }),
        el("td", a.gateways.join(", ")), el("td", leader, { class: "leader" }), el("td", time(a.since)), el("td", labelsText(a.labels), { class: "labels" }));
      body.append(row);
    }
    const connected = [...agents.values()].filter((a) => a.connected).length;
    setSummary(`${connected} of ${agents.size} agents on this page connected`);
  }

  function renderViews() {
    viewsBox.replaceChildren();
    for (const [name, { view, offline }] of views) {
      const card = el("div", undefined, { class: "view", "data-agent": name });
      card.append(link(`#/agents/${encodeURIComponent(name)}`, name), el("span", " "));
      if (offline && view) card.append(el("span", "offline, last known ", { class: "offline" }));
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
      viewsBox.append(card);
    }
  }

  function feed(kind, text) {
    const item = el("li", `${new Date().toLocaleTimeString()}  ${text}`, { class: "event", "data-kind": kind });
    feedList.prepend(item);
    while (feedList.children.length > MAX_FEED) feedList.lastChild.remove();
  }

  function apply(m) {
    const a = agents.get(m.agent);
    if (!a || (a.since && new Date(m.at) < new Date(a.since))) return;
    a.gateways = m.connected ? [...new Set([...(a.connected ? a.gateways : []), m.gateway])] : [];
    a.connected = m.connected;
    a.since = m.at;
    // Status changes name no leader; the last one known stays until the next read, and goes with the agent.
    if (!m.connected) { a.leader = null; a.replicas = 0; a.instances.clear(); }
    if (m.connected && m.conditions) applyHealth(m);
  }

  // A replica's conditions as it last reported them; its version is known from the page's read (or the next one).
  function applyHealth(m) {
    const a = agents.get(m.agent);
    if (!a || !a.connected) return;
    const known = a.instances.get(m.instance);
    if (known?.at && new Date(m.at) < new Date(known.at)) return;
    a.instances.set(m.instance, { version: known?.version ?? "", conditions: m.conditions ?? [], at: m.at });
  }

  function watch(name) {
    views.set(name, { view: null, offline: false });
    ends.push(cable.subscribe({ channel: "ClusterViewsChannel", agent: name }, {
      received(m) {
        if (m.type === "snapshot") views.set(name, { view: m.view ?? null, offline: m.offline });
        if (m.type === "cluster_view") views.set(name, { view: m.view, offline: false });
        renderViews();
      },
    }));
    ends.push(cable.subscribe({ channel: "ClusterEventsChannel", agent: name }, {
      received(m) {
        if (m.type === "cluster_event") {
          const where = m.namespace ? `${m.namespace}/${m.name}` : m.name;
          feed("cluster", `${m.agent}  ${m.event_type} ${m.kind} ${where}  ${m.summary}`);
        } else if (m.type === "reset") {
          feed("reset", `${name}: some events were missed (${m.reason})`);
        }
      },
    }));
  }

  async function load() {
    let page;
    try {
      page = await api(`agents?page_size=${PAGE_SIZE}&selector=${encodeURIComponent(selector)}&page_token=${encodeURIComponent(after)}`, token);
    } catch (failure) {
      problem.textContent = failure.message;
      problem.hidden = false;
      return;
    }
    for (const a of page.agents) {
      const s = a.status ?? {};
      agents.set(a.name, {
        connected: s.connected, since: s.since, labels: a.labels, leader: s.leader_instance_id, replicas: s.replicas,
        gateways: [...new Set((s.connections ?? []).map((c) => c.gateway_id))],
        instances: new Map((s.connections ?? []).map((c) => [c.instance_id, { version: c.agent_version, conditions: c.conditions ?? [], at: null }])),
      });
      if (!views.has(a.name)) watch(a.name);
    }
    for (const m of latest.values()) apply(m);
    for (const m of latestHealth.values()) applyHealth(m);
    const first = trail.afters.length * PAGE_SIZE + 1;
    range.textContent = agents.size ? `agents ${first}–${first + agents.size - 1}` : "no agents match";
    agentsTable.dataset.page = String(trail.afters.length + 1);
    next.disabled = !page.next_page_token;
    next.onclick = () => { trail.afters.push(after); location.hash = route(selector, page.next_page_token); };
    renderAgents();
    renderViews();
  }

  ends.push(cable.subscribe({ channel: "AgentStatusChannel" }, {
    received(m) {
      if (m.type === "agent_conditions") {
        latestHealth.set(`${m.agent} ${m.instance}`, m);
        if (!agents.has(m.agent)) return;
        applyHealth(m);
        const failing = (m.conditions ?? []).filter((c) => !c.ok).map((c) => c.type);
        feed("health", `${m.agent}  ${m.instance}: ${failing.length ? `not ok: ${failing.join(", ")}` : "all conditions ok"}`);
        renderAgents();
        return;
      }
      if (m.type !== "agent_status") return;
      latest.set(m.agent, m);
      if (!agents.has(m.agent)) return;
      apply(m);
      feed("status", `${m.agent}  ${m.connected ? "connected through" : "disconnected from"} ${m.gateway}`);
      const known = views.get(m.agent);
      if (known) {
        // The last view stays on screen, marked, until the agent reports again.
        views.set(m.agent, { ...known, offline: !m.connected });
        renderViews();
      }
      renderAgents();
    },
  }));
  load();
  return () => ends.forEach((end) => end());
}

function route(selector, after) {
  const q = new URLSearchParams();
  if (selector) q.set("selector", selector);
  if (after) q.set("after", after);
  const text = q.toString();
  return text ? `#/?${text}` : "#/";
}
