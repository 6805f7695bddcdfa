// One agent's page: its status, its cluster view and how old it is, live cluster events (resumed with `since` after a
// reconnect), GitOps sync status per target and object with the API server's reasons, and a pods table answered
// from the agent's cache.
"use strict";

import { el, link, time, ago, labelsText, api, table, healthCell } from "./dom.js";

const MAX_EVENTS = 200;

export function agentPage(main, { cable, token, setSummary }, name) {
  const ends = [];
  let status = null; // { connected, since, gateways, leader }
  let view = null; // { view, offline, received_at }
  const replicas = new Map(); // instance -> { gateway, version, leader, conditions, at }

  const title = el("h2", name, { tabindex: "-1", id: "page-title" });
  const statusLine = el("p", "", { id: "agent-status", "aria-live": "polite" });
  const head = el("section", undefined, { class: "wide" });
  const { node: replicasTable, body: replicaRows } = table("Replicas of the agent", ["replica", "gateway", "version", "leader", "health"], { id: "agent-replicas" });
  replicasTable.hidden = true;
  head.append(link("#/", "← Fleet", { class: "back" }), title, statusLine, replicasTable);

  const viewBox = el("div", undefined, { id: "agent-view" });
  const viewSection = el("section");
  viewSection.append(el("h3", "Cluster view"), viewBox);

  const events = el("ol", undefined, { id: "agent-events", class: "events", "aria-live": "polite" });
  const eventsSection = el("section");
  eventsSection.append(el("h3", "Cluster events"), events);

  const gitops = el("div", undefined, { id: "gitops" });
  const gitopsSection = el("section", undefined, { class: "wide" });
  gitopsSection.append(el("h3", "GitOps"), gitops);

  const podsSection = el("section", undefined, { class: "wide" });
  const podsFilter = el("form", undefined, { id: "pods-filter", class: "filter", role: "search" });
  const namespace = el("input", undefined, { id: "pods-namespace", name: "namespace", type: "search", placeholder: "all namespaces", autocomplete: "off" });
  const selector = el("input", undefined, { id: "pods-selector", name: "selector", type: "search", placeholder: "app=web", autocomplete: "off" });
  podsFilter.append(el("label", "Namespace ", { for: "pods-namespace" }), namespace,
    el("label", "Label selector ", { for: "pods-selector" }), selector, el("button", "Show", { type: "submit" }));
  const podsState = el("p", "", { id: "pods-state", class: "muted", "aria-live": "polite" });
  const { node: podsTable, body: pods } = table("Pods from the agent's cache", ["pod", "namespace", "phase", "ready", "restarts", "node", "labels", "age"], { id: "pods" });
  podsSection.append(el("h3", "Pods (from the agent's cache)"), podsFilter, podsState, podsTable);
  main.replaceChildren(head, viewSection, eventsSection, gitopsSection, podsSection);
  setSummary(name);

  function renderStatus() {
    if (!status) return;
    const state = status.connected ? "connected" : "offline";
    statusLine.dataset.status = state;
    statusLine.replaceChildren(el("span", state, { class: "badge", "data-state": status.connected ? "connected" : "disconnected" }));
    const since = status.since ? ` since ${time(status.since)} (${ago(status.since)})` : status.connected ? "" : ": never connected";
    const through = status.connected && status.gateways.length ? ` through ${status.gateways.join(", ")}` : "";
    const leader = status.leader ? ` · leader ${status.leader}` : "";
    statusLine.append(el("span", ` ${state}${since}${through}${leader}`, { id: "agent-since" }));
  }

  function renderReplicas() {
    replicaRows.replaceChildren();
    for (const [instance, r] of replicas) {
      const row = el("tr", undefined, { "data-instance": instance });
      row.append(el("td", instance), el("td", r.gateway), el("td", r.version, { class: "version" }), el("td", r.leader ? "yes" : ""),
        healthCell(r.conditions, true));
      replicaRows.append(row);
    }
    replicasTable.hidden = replicas.size === 0;
  }

  // A replica's conditions as it reported them with a lease renewal; one not seen in the snapshot joins the table.
  function applyHealth(m) {
    const known = replicas.get(m.instance);
    if (known?.at && new Date(m.at) < new Date(known.at)) return;
    replicas.set(m.instance, { gateway: m.gateway, version: known?.version ?? "", leader: known?.leader ?? false, conditions: m.conditions ?? [], at: m.at });
  }

  function renderView() {
    viewBox.replaceChildren();
    const offline = status ? !status.connected : view?.offline;
    viewBox.dataset.offline = String(Boolean(offline));
    if (!view?.view) {
      viewBox.append(el("p", "No view yet: the agent reports one once its cache has listed the cluster.", { class: "muted" }));
      return;
    }
    const v = view.view;
    const age = el("p", undefined, { id: "view-age" });
    age.append(el("span", `computed ${ago(v.computed_at)} ago, at ${time(v.computed_at)}`));
    if (offline) {
      age.append(el("span", ` · agent offline${status?.since ? ` since ${time(status.since)}` : ""}: this is its last-known view`, { class: "offline" }));
    }
    viewBox.append(age, el("p", `nodes ${v.nodes_ready}/${v.node_count} ready · ${v.warning_events_per_minute.toFixed(1)} warnings/min`));
    const { node, body } = table("Pods by namespace", ["namespace", "running", "pending", "failed", "succeeded"]);
    for (const ns of v.pods_by_namespace) {
      const row = el("tr");
      for (const cell of [ns.namespace, ns.running, ns.pending, ns.failed, ns.succeeded]) row.append(el("td", String(cell)));
      body.append(row);
    }
    viewBox.append(node);
    if (v.workloads_not_available.length) {
      const list = el("ul", undefined, { class: "unavailable" });
      for (const w of v.workloads_not_available) list.append(el("li", `${w.kind} ${w.namespace}/${w.name}: ${w.available} of ${w.desired} available`));
      viewBox.append(el("p", "Workloads not available:"), list);
    }
  }

  function renderSync(m) {
    gitops.replaceChildren();
    if (!m.targets.length) {
      gitops.append(el("p", "No GitOps targets: the agent's configuration names none.", { class: "muted" }));
      return;
    }
    for (const t of m.targets) {
      const box = el("div", undefined, { class: "target", "data-target": t.target });
      const commit = (c) => (c ? c.slice(0, 12) : "none");
      box.append(el("h4", t.target),
        el("p", `${t.repository} @ ${t.ref} · desired ${commit(t.desired_commit)} · reported ${commit(t.reported_commit)}` +
          (t.reported_at ? ` at ${time(t.reported_at)}` : "") + ` · ${t.documents} documents`, { class: "muted" }));
      for (const error of t.read_errors) box.append(el("p", error, { class: "error read-error" }));
      const { node, body } = table(`Objects of ${t.target}`, ["object", "state", "source", "reason"]);
      for (const o of t.objects) {
        const where = o.namespace ? `${o.namespace}/${o.name}` : o.name;
        const row = el("tr", undefined, { "data-object": where, "data-state": o.state });
        const state = el("td");
        state.append(el("span", o.state, { class: "badge", "data-state": o.state }));
        row.append(el("td", `${o.kind} ${where}`), state, el("td", `${o.path}#${o.index}`), el("td", o.message, { class: "reason" }));
        body.append(row);
      }
      box.append(node);
      gitops.append(box);
    }
  }

  async function loadPods() {
    podsState.dataset.state = "asking";
    podsState.textContent = "asking the agent's cache…";
    const q = new URLSearchParams({ selector: selector.value.trim(), namespace: namespace.value.trim() });
    try {
      const result = await api(`agents/${encodeURIComponent(name)}/cache/pods?${q}`, token);
      pods.replaceChildren();
      for (const p of result.items) {
        const row = el("tr", undefined, { "data-pod": `${p.namespace}/${p.name}` });
        const f = p.fields ?? {};
        for (const cell of [p.name, p.namespace, f["status.phase"], f["status.ready"], f["status.restarts"], f["spec.nodeName"], labelsText(p.labels), ago(p.created_at)]) {
          row.append(el("td", cell ?? ""));
        }
        pods.append(row);
      }
      podsState.dataset.state = "answered";
      podsState.textContent = `${result.count} ${result.count === 1 ? "pod" : "pods"}, cache synced at ${time(result.synced_at)}` + (result.complete ? "" : ` · incomplete: ${result.incomplete_reason}`);
    } catch (failure) {
      pods.replaceChildren();
      podsState.dataset.state = "refused";
      podsState.textContent = failure.message;
    }
  }

  podsFilter.addEventListener("submit", (event) => { event.preventDefault(); loadPods(); });

  ends.push(cable.subscribe({ channel: "AgentStatusChannel", agent: name }, {
    received(m) {
      if (m.type === "snapshot" && m.agents.length) {
        const a = m.agents[0];
        status = { connected: a.connected, since: a.since, gateways: a.connections.map((c) => c.gateway), leader: a.leader };
        replicas.clear();
        for (const c of a.connections) {
          replicas.set(c.instance, { gateway: c.gateway, version: c.version, leader: c.leader, conditions: c.conditions ?? [], at: null });
        }
      } else if (m.type === "agent_status") {
        const gateways = m.connected ? [...new Set([...(status?.connected ? status.gateways : []), m.gateway])] : [];
        status = { connected: m.connected, since: m.at, gateways, leader: m.connected ? status?.leader : null };
        if (!m.connected) replicas.clear();
        else if (m.conditions) applyHealth(m);
      } else if (m.type === "agent_conditions") {
        applyHealth(m);
      }
      renderStatus();
      renderReplicas();
      renderView();
    },
    rejected(reason) { statusLine.textContent = reason; },
  }));
  ends.push(cable.subscribe({ channel: "ClusterViewsChannel", agent: name }, {
    received(m) {
      if (m.type === "snapshot") view = { view: m.view ?? null, offline: m.offline };
      if (m.type === "cluster_view") view = { view: m.view, offline: false };
      renderView();
    },
  }));
  ends.push(cable.subscribe({ channel: "ClusterEventsChannel", agent: name }, {
    received(m) {
      let item;
      if (m.type === "cluster_event") {
        const where = m.namespace ? `${m.namespace}/${m.name}` : m.name;
        item = el("li", `${time(m.timestamp)}  ${m.event_type} ${m.kind} ${where}  ${m.summary}`, { "data-kind": "cluster" });
      } else if (m.type === "reset") {
        item = el("li", `some events were missed (${m.reason})`, { "data-kind": "reset" });
      } else {
        return;
      }
      events.prepend(item);
      while (events.children.length > MAX_EVENTS) events.lastChild.remove();
    },
  }));
  ends.push(cable.subscribe({ channel: "SyncStatusChannel", agent: name }, { received: renderSync }));
  // Ages move on by themselves; once a second is as fine as they are written.
  const ticker = setInterval(() => { renderStatus(); if (view?.view) renderView(); }, 1000);
  loadPods();
  return () => { clearInterval(ticker); ends.forEach((end) => end()); };
}
