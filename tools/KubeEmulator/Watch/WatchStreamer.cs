using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Storage;
using Plural.KubeEmulator.Tables;

namespace Plural.KubeEmulator.Watch;

/// <summary>
/// Serves <c>?watch=1</c>: replays from the requested resourceVersion (or the current state), then
/// streams live events, bookmarks when allowed, and ends cleanly at <c>timeoutSeconds</c> or when the
/// watcher fell too far behind.
/// </summary>
internal sealed partial class WatchStreamer(ObjectStore store, KubeEmulatorOptions options, ILogger<WatchStreamer> logger)
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(30);

    public async Task StreamAsync(ApiRequest request)
    {
        var query = ListQuery.From(request);
        var initialEvents = request.Flag("sendInitialEvents");
        var from = initialEvents ? null : ParseVersion(request.Query("resourceVersion"));
        var timeout = request.Query("timeoutSeconds") is { } t && int.TryParse(t, out var seconds) && seconds > 0 ? TimeSpan.FromSeconds(seconds) : DefaultTimeout;
        var bookmarks = request.Flag("allowWatchBookmarks");
        var name = request.Path.Name;
        using var subscription = store.Watch(new WatchFilter(request.Kind.StorageKey, request.Namespace, o => query.Matches(o) && (name is null || o.Name() == name)), from);
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(request.Aborted);
        lifetime.CancelAfter(timeout);
        var ct = lifetime.Token;

        var response = request.Http.Response;
        response.StatusCode = 200;
        response.ContentType = HttpJson.JsonType;
        await response.StartAsync(ct);
        try
        {
            foreach (var item in subscription.Backlog) await WriteEventAsync(request, item.Type, item.Object, ct);
            if (initialEvents) await WriteBookmarkAsync(request, store.Version, ct, initialEventsEnd: true);
            await response.Body.FlushAsync(ct);
            await PumpAsync(request, subscription, bookmarks, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // timeoutSeconds elapsed or the client went away: both end the stream normally.
        }
        if (subscription.Overflowed) LogWatcherTooSlow(logger, request.Kind.GroupResource);
    }

    private async Task PumpAsync(ApiRequest request, WatchSubscription subscription, bool bookmarks, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            using var tick = CancellationTokenSource.CreateLinkedTokenSource(ct);
            tick.CancelAfter(options.BookmarkInterval);
            bool more;
            try
            {
                more = await subscription.Live.WaitToReadAsync(tick.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                if (bookmarks && store.Hub.BookmarkVersion(subscription, () => store.Version) is { } version)
                {
                    await WriteBookmarkAsync(request, version, ct, initialEventsEnd: false);
                    await request.Http.Response.Body.FlushAsync(ct);
                }
                continue;
            }
            if (!more) return;
            while (subscription.Live.TryRead(out var item)) await WriteEventAsync(request, item.Type, item.Object, ct);
            await request.Http.Response.Body.FlushAsync(ct);
        }
    }

    private static long? ParseVersion(string? text)
    {
        if (string.IsNullOrEmpty(text) || text == "0") return null;
        return long.TryParse(text, out var v) && v > 0 ? v : throw Errors.BadRequest($"invalid resource version: {text}");
    }

    private static Task WriteEventAsync(ApiRequest request, string type, JsonObject stored, CancellationToken ct)
    {
        JsonNode payload = request.WantsTable ? TableRenderer.Render(request.Kind, [request.Present(stored)], null, request.Query("includeObject")) : request.Present(stored);
        return WriteAsync(request, type, payload, ct);
    }

    private static Task WriteBookmarkAsync(ApiRequest request, long version, CancellationToken ct, bool initialEventsEnd)
    {
        var metadata = new JsonObject { ["resourceVersion"] = version.ToString() };
        if (initialEventsEnd) metadata["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
        return WriteAsync(request, "BOOKMARK", new JsonObject { ["kind"] = request.Kind.Kind, ["apiVersion"] = request.Kind.ApiVersion, ["metadata"] = metadata }, ct);
    }

    private static async Task WriteAsync(ApiRequest request, string type, JsonNode payload, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WritePropertyName("object");
            payload.WriteTo(writer);
            writer.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        await request.Http.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ended a watch on {Resource} because the watcher fell too far behind")]
    private static partial void LogWatcherTooSlow(ILogger logger, string resource);
}
