using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace Plural.AgentK.Cache.Dynamic;

/// <summary>
/// Any resource the API server lists, custom resources included, read as JSON: listed page by page and watched
/// line by line, each object projected at once onto the field paths of its <see cref="KindProjection"/>.
/// </summary>
internal sealed class DynamicResourceKind : ResourceKind
{
    private readonly KubernetesJsonClient _api;
    private readonly KindProjection _projection;

    public DynamicResourceKind(DiscoveredResource resource, KindProjection projection, KubernetesJsonClient api)
        : base(resource.Group, resource.Version, resource.Plural, resource.Kind, resource.Namespaced, FieldsOf(projection), resource.ShortNames)
    {
        _api = api;
        _projection = projection;
    }

    public override string Identity => base.Identity + "#" + _projection.Signature;

    public override async Task<ListPage> ListAsync(IKubernetes client, ListRequest request, ProjectionContext context, CancellationToken ct)
    {
        var query = $"limit={request.Limit}" + (request.Continue is null ? "" : "&continue=" + Uri.EscapeDataString(request.Continue));
        using var list = await _api.GetAsync($"{CollectionPath}?{query}", ct)
            ?? throw new KubernetesRequestException(HttpStatusCode.NotFound, $"the API server no longer serves {GroupResource}");
        var root = list.RootElement;
        var items = root.TryGetProperty("items", out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().Select(item => Project(item, context)).ToList()
            : [];
        var metadata = root.TryGetProperty("metadata", out var m) ? m : default;
        var continueToken = metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty("continue", out var c) ? c.GetString() : null;
        return new ListPage(items, Text(metadata, "resourceVersion") ?? "", string.IsNullOrEmpty(continueToken) ? null : continueToken);
    }

    public override async IAsyncEnumerable<WatchItem> WatchAsync(
        IKubernetes client, ListRequest request, ProjectionContext context, Action<Exception> onError, [EnumeratorCancellation] CancellationToken ct)
    {
        var query = $"watch=1&allowWatchBookmarks=true&resourceVersion={Uri.EscapeDataString(request.ResourceVersion ?? "")}" +
            (request.TimeoutSeconds is { } seconds ? $"&timeoutSeconds={seconds.ToString(CultureInfo.InvariantCulture)}" : "");
        using var response = await _api.OpenAsync($"{CollectionPath}?{query}", ct);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        using var lines = new StreamReader(body);
        while (await lines.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            using var frame = JsonDocument.Parse(line);
            var type = frame.RootElement.GetProperty("type").GetString();
            var item = frame.RootElement.GetProperty("object");
            if (type == "ERROR")
            {
                // The API server reports an expired version (410) and other watch failures as an event.
                onError(new KubernetesException(new V1Status
                {
                    Code = item.TryGetProperty("code", out var code) ? code.GetInt32() : 500,
                    Message = Text(item, "message"),
                    Reason = Text(item, "reason"),
                }));
                yield break;
            }

            var version = Text(item.TryGetProperty("metadata", out var meta) ? meta : default, "resourceVersion") ?? "";
            if (type == "BOOKMARK")
            {
                yield return new WatchItem(WatchEventType.Bookmark, null, version);
            }
            else if (type is "ADDED" or "MODIFIED" or "DELETED")
            {
                yield return new WatchItem(Enum.Parse<WatchEventType>(type, ignoreCase: true), Project(item, context), version);
            }
        }
    }

    private string CollectionPath => (Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}") + "/" + Plural;

    private CachedObject Project(JsonElement item, ProjectionContext context)
    {
        var metadata = item.TryGetProperty("metadata", out var m) ? m : default;
        var labels = context.StoreLabels && metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty("labels", out var l) && l.ValueKind == JsonValueKind.Object
            ? _projection.KeepLabels(l.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? ""))
            : CachedObject.None;
        var fields = new Dictionary<string, string>(Fields.Count);
        foreach (var path in Fields.Skip(2))
        {
            if (JsonFieldPath.Read(item, path) is { } value)
            {
                fields[path] = value;
            }
        }

        DateTimeOffset? created = DateTimeOffset.TryParse(Text(metadata, "creationTimestamp"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var c) ? c : null;
        var summary = string.Join(' ', fields.Select(f => $"{f.Key}={f.Value}"));
        return new CachedObject(Kind, Text(metadata, "namespace") ?? "", Text(metadata, "name") ?? "", Text(metadata, "resourceVersion") ?? "",
            labels, fields, created, summary.Length > 200 ? summary[..200] : summary);
    }

    private static IReadOnlyList<string> FieldsOf(KindProjection projection) =>
        projection.Fields.Count > 0 ? projection.Fields : KindProjection.DefaultFields;

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
