// A mixin for @rails/actioncable subscriptions that resume where they left off.
//
// Every message of the gateway's channels carries `seq` and `epoch`. When the connection drops, the
// subscription's identifier is rewritten to carry the last ones seen; the stock client sends that identifier
// when it resubscribes after reconnecting, and the gateway replays what was missed (or sends a `reset`).
// The identifier only changes while disconnected, so no message is ever matched against a stale one.
export function resumable(params, callbacks = {}) {
  let seq = null;
  let epoch = null;
  return {
    ...callbacks,
    received(message) {
      if (message && typeof message.seq === "number") {
        if (message.type === "reset" || message.type === "snapshot" || message.seq > (seq ?? -1) || message.epoch !== epoch) {
          seq = message.seq;
          epoch = message.epoch;
        }
      }
      callbacks.received?.call(this, message);
    },
    disconnected(details) {
      if (seq !== null) {
        this.identifier = JSON.stringify({ ...params, since: seq, epoch });
      }
      callbacks.disconnected?.call(this, details);
    },
  };
}
