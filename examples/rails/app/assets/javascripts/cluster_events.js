// The agent page's live feed: subscribes to the gateway's ClusterEventsChannel (docs/cable.md) with the token
// the page was rendered with, and lists each cluster event as it arrives, newest first.
(function () {
  var KEPT = 200 // a busy cluster sends many events; older ones fall off the list

  function describe(event) {
    var where = event.namespace ? event.namespace + "/" + event.name : event.name
    var time = new Date(event.timestamp || Date.now()).toLocaleTimeString()
    return time + "  " + event.event_type + " " + event.kind + " " + where + (event.summary ? "  " + event.summary : "")
  }

  function show(feed, state, text) {
    feed.dataset.state = state
    feed.querySelector(".feed-state").textContent = text
  }

  document.addEventListener("DOMContentLoaded", function () {
    var feed = document.getElementById("cluster-events")
    if (!feed) return

    var list = feed.querySelector("ol")
    // Browsers cannot set headers on a WebSocket, so the token travels as the query parameter.
    var url = feed.dataset.cableUrl + "?token=" + encodeURIComponent(feed.dataset.cableToken)
    var consumer = ActionCable.createConsumer(url)

    consumer.subscriptions.create({ channel: "ClusterEventsChannel", agent: feed.dataset.agent }, {
      connected: function () { show(feed, "connected", "Live: new events appear below as the cluster changes.") },
      disconnected: function (details) {
        // The gateway says not to reconnect when the token is no longer valid (it expired or was revoked).
        if (details && details.willAttemptReconnect === false) {
          show(feed, "ended", "The gateway ended the feed; reload the page for a fresh token.")
        } else {
          show(feed, "disconnected", "Disconnected from the gateway; reconnecting…")
        }
      },
      rejected: function () { show(feed, "rejected", "The gateway refused this feed; reload the page.") },
      received: function (message) {
        // The first message is a snapshot (a position only: events are not kept); then one message per event.
        if (message.type !== "cluster_event") return

        var item = document.createElement("li")
        item.dataset.kind = message.kind
        item.dataset.namespace = message.namespace || ""
        item.dataset.name = message.name
        item.textContent = describe(message)
        list.prepend(item)
        while (list.children.length > KEPT) list.removeChild(list.lastChild)
      },
    })
  })
})()
