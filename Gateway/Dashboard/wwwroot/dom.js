// What every page of the dashboard shares: building elements, showing times, and the JSON reads.
"use strict";

export const $ = (id) => document.getElementById(id);

export function el(tag, text, attrs = {}) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, v);
  return node;
}

export function link(href, text, attrs = {}) {
  return el("a", text, { href, ...attrs });
}

// Today's times as a clock, older ones with their date: a laptop screen has room for both, a log line needs the day.
export function time(iso) {
  if (!iso) return "";
  const at = new Date(iso);
  return at.toDateString() === new Date().toDateString() ? at.toLocaleTimeString() : at.toLocaleString();
}

export function ago(iso, now = Date.now()) {
  if (!iso) return "";
  const s = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (s < 90) return `${s} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

export function labelsText(labels) {
  return Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`).join(", ");
}

// The dashboard's reads that /cable does not carry. A refusal comes back as { code, error }; it is thrown with its
// reason so the page can show it where the table would be.
export async function api(path, token) {
  const response = await fetch(`api/${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const error = new Error(body?.error ?? `the gateway answered ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return body;
}

// A table with a caption and column headers, so a screen reader and a keyboard user know where they are.
export function table(caption, columns, attrs = {}) {
  const node = el("table", undefined, attrs);
  node.append(el("caption", caption, { class: "sr-only" }));
  const head = el("tr");
  for (const c of columns) head.append(el("th", c, { scope: "col" }));
  const thead = el("thead");
  thead.append(head);
  const body = el("tbody");
  node.append(thead, body);
  return { node, body };
}

// A replica's health as its agent reported it (GetAgent's conditions: upstream, informers, tunnels, certificates, and
// the gateway's version judgement): "ok", "failing" or "unknown" (nothing reported yet, or an agent too old to report).
export function healthOf(conditions) {
  if (!conditions?.length) return "unknown";
  return conditions.every((c) => c.ok) ? "ok" : "failing";
}

// A cell saying a replica's or an agent's health: a badge, and with `reasons` what each failing condition says.
export function healthCell(conditions, reasons) {
  const state = healthOf(conditions);
  const cell = el("td", undefined, { class: "health", "data-health": state });
  cell.append(el("span", state, { class: "badge", "data-state": state }));
  const failing = (conditions ?? []).filter((c) => !c.ok);
  if (!failing.length) return cell;
  if (!reasons) {
    cell.append(el("span", ` ${[...new Set(failing.map((c) => c.type))].join(", ")}`));
    return cell;
  }
  const list = el("ul", undefined, { class: "conditions" });
  for (const c of failing) list.append(el("li", `${c.type}: ${c.message}`, { "data-condition": c.type }));
  cell.append(list);
  return cell;
}
