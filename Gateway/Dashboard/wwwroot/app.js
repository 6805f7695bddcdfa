// The gateway's dashboard: a login, a /cable connection shared by every page, and a router over the fragment
// (#/ the fleet, #/agents/<name> one agent). A token in the fragment (#token=... or ?token=... inside it) never
// reaches a server log; it is kept for this tab only and taken out of the address bar.
"use strict";

import { $ } from "./dom.js";
import { Cable } from "./cable.js";
import { fleetPage } from "./fleet.js";
import { agentPage } from "./agent.js";

let cable = null;
let token = null;
let leave = () => {};

function takeTokenFromFragment() {
  const hash = location.hash.slice(1);
  const [path, query = ""] = hash.startsWith("/") ? hash.split("?", 2) : ["/", hash];
  const params = new URLSearchParams(query);
  const found = params.get("token");
  if (!found) return;
  sessionStorage.setItem("plural-token", found);
  params.delete("token");
  const rest = params.toString();
  history.replaceState(null, "", location.pathname + location.search + "#" + path + (rest ? `?${rest}` : ""));
}

function show() {
  leave();
  const hash = location.hash.slice(1) || "/";
  const [path, query = ""] = hash.split("?", 2);
  const main = $("main");
  const context = { cable, token, setSummary: (text) => { $("summary").textContent = text; } };
  const agent = /^\/agents\/([^/]+)$/.exec(path);
  leave = agent ? agentPage(main, context, decodeURIComponent(agent[1])) : fleetPage(main, context, new URLSearchParams(query));
  document.title = agent ? `${decodeURIComponent(agent[1])} · Plural` : "Plural fleet";
  // A keyboard user lands on the new page's title, not on the link that left the old one.
  if (document.activeElement && document.activeElement !== document.body) $("page-title")?.focus();
}

function start(withToken) {
  token = withToken;
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
      $("token").focus();
    }
  });
  cable.connect();
  show();
}

$("login").addEventListener("submit", (event) => {
  event.preventDefault();
  const value = $("token").value.trim();
  if (!value) return;
  sessionStorage.setItem("plural-token", value);
  location.reload();
});

// The fragment is the router's, so the skip link moves focus itself instead of following #main.
$("skip").addEventListener("click", (event) => {
  event.preventDefault();
  $("main").focus();
});

window.addEventListener("hashchange", () => {
  takeTokenFromFragment();
  if (cable) show();
});

takeTokenFromFragment();
start(sessionStorage.getItem("plural-token"));
