// A small ActionCable client of /cable (no build step, no dependencies). Subscriptions resume with `since` after a
// reconnect, so a page misses nothing a drain or a network blip happened to cut.
"use strict";

const STALE_MS = 6000; // two missed pings, as the stock client counts

export class Cable {
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

  // Returns a function that ends the subscription; a page calls it when the user leaves.
  subscribe(params, handlers) {
    const key = JSON.stringify(params);
    if (!this.subscriptions.has(key)) {
      const entry = { params, handlers, seq: null, epoch: null, identifier: null };
      this.subscriptions.set(key, entry);
      this.send(entry);
    }
    return () => this.unsubscribe(key);
  }

  unsubscribe(key) {
    const entry = this.subscriptions.get(key);
    if (!entry) return;
    this.subscriptions.delete(key);
    if (entry.identifier && this.socket?.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify({ command: "unsubscribe", identifier: entry.identifier }));
    }
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
          setTimeout(() => { if (this.socket === socket && this.find(frame.identifier) === entry) this.send(entry); }, delay);
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
