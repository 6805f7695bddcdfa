// Drives one @rails/actioncable consumer (over the `ws` package) for the .NET tests: commands arrive as JSON
// lines on stdin, everything the client observes leaves as JSON lines on stdout.
//
//   node driver.mjs <cable url> [--reopen-at-once]
//     --reopen-at-once: the recipe of docs/cable.md, a disconnected callback that reopens at once when the
//     server allows a reconnect, instead of waiting for the connection monitor's stale threshold (6 s and more)
//   {"op":"subscribe","sub":"s1","params":{"channel":"AgentStatusChannel","agent":"a"}}
//   {"op":"unsubscribe","sub":"s1"}
//   {"op":"perform","sub":"s1","times":60}   calls subscription.perform (a "message" command) that often at once
//   {"op":"drop"}        the socket dies without a close handshake; the client does not reconnect on its own
//   {"op":"reconnect"}   the client reconnects and resubscribes (with `since` where it has seen messages)
//   {"op":"close"}
import readline from "node:readline";
import WebSocket from "ws";
import { adapters, createConsumer } from "@rails/actioncable";
import { resumable } from "./resumable.mjs";

// ActionCable's connection monitor listens for page visibility; Node has no page.
globalThis.addEventListener ??= () => {};
globalThis.removeEventListener ??= () => {};

const emit = (event) => process.stdout.write(JSON.stringify(event) + "\n");

// Every frame the server sends, as the client received it (the stock client drops some fields, such as the
// reason of a reject_subscription).
class TappedWebSocket extends WebSocket {
  constructor(url, protocols) {
    super(url, protocols);
    this.on("message", (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.type !== "ping") emit({ event: "frame", frame });
    });
    this.on("close", (code) => emit({ event: "socket_closed", code }));
    this.on("error", (error) => emit({ event: "socket_error", message: error.message }));
  }
}
adapters.WebSocket = TappedWebSocket;

const consumer = createConsumer(process.argv[2]);
const reopenAtOnce = process.argv.includes("--reopen-at-once");
const subscriptions = new Map();

function subscribe(sub, params) {
  const subscription = consumer.subscriptions.create(params, resumable(params, {
    connected(details) { emit({ event: "connected", sub, reconnected: details?.reconnected ?? false }); },
    rejected() { emit({ event: "rejected", sub }); },
    received(message) { emit({ event: "received", sub, message }); },
    disconnected(details) {
      emit({ event: "disconnected", sub, willAttemptReconnect: details?.willAttemptReconnect ?? false });
      if (reopenAtOnce && details?.willAttemptReconnect) consumer.connection.reopen();
    },
  }));
  subscriptions.set(sub, subscription);
}

const input = readline.createInterface({ input: process.stdin });
input.on("line", (line) => {
  const command = JSON.parse(line);
  switch (command.op) {
    case "subscribe":
      subscribe(command.sub, command.params);
      break;
    case "unsubscribe":
      subscriptions.get(command.sub)?.unsubscribe();
      subscriptions.delete(command.sub);
      break;
    case "perform":
      for (let i = 0; i < command.times; i++) subscriptions.get(command.sub)?.perform("noop", { i });
      break;
    case "drop":
      consumer.connection.monitor.stop();
      consumer.connection.webSocket.terminate();
      break;
    case "reconnect":
      consumer.connect();
      break;
    case "close":
      consumer.disconnect();
      setTimeout(() => process.exit(0), 200);
      break;
    default:
      emit({ event: "error", message: `unknown op ${command.op}` });
  }
  emit({ event: "ack", op: command.op, sub: command.sub });
});
input.on("close", () => process.exit(0));
emit({ event: "ready" });
