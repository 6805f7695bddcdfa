using System.Text.Json;
using System.Text.Json.Nodes;
using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Tables;

namespace Plural.KubeEmulator.Api;

/// <summary>GET of one object and of collections (with selectors, paging and Table output).</summary>
internal sealed class ReadHandlers(ObjectService objects)
{
    public Task GetAsync(ApiRequest request) => request.RespondObjectAsync(200, objects.Get(request.Kind, request.Namespace, request.Name));

    public async Task ListAsync(ApiRequest request)
    {
        var query = ListQuery.From(request);
        var (all, version) = objects.Store.List(request.Kind.StorageKey, request.Namespace);
        if (query.Continue is { } token && token.ResourceVersion < objects.Store.Hub.CompactedThrough)
            throw Errors.Expired("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue parameter returned by a recent list.");
        var matching = all.Where(query.Matches)
            .Where(o => query.Continue is null || string.CompareOrdinal(Key(o), query.Continue.StartAfter) > 0)
            .ToList();
        var page = query.Limit is { } limit ? matching.Take(limit).ToList() : matching;
        var listVersion = query.Continue?.ResourceVersion ?? version;
        var metadata = new JsonObject { ["resourceVersion"] = listVersion.ToString() };
        if (page.Count < matching.Count)
        {
            metadata["continue"] = new ContinueToken(listVersion, Key(page[^1])).Encode();
            metadata["remainingItemCount"] = matching.Count - page.Count;
        }
        if (request.WantsTable)
        {
            await request.RespondAsync(200, TableRenderer.Render(request.Kind, page.Select(request.Present), metadata, request.Query("includeObject")));
            return;
        }
        await WriteListAsync(request, page, metadata);
    }

    private static async Task WriteListAsync(ApiRequest request, List<JsonObject> items, JsonObject metadata)
    {
        // Streams items straight from the frozen stored trees instead of copying them into a new JsonArray.
        using var buffer = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", request.Kind.ListKind);
            writer.WriteString("apiVersion", request.Kind.ApiVersion);
            writer.WritePropertyName("metadata");
            metadata.WriteTo(writer);
            writer.WriteStartArray("items");
            foreach (var item in items) request.Present(item).WriteTo(writer);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        request.Http.Response.StatusCode = 200;
        request.Http.Response.ContentType = HttpJson.JsonType;
        buffer.Position = 0;
        await buffer.CopyToAsync(request.Http.Response.Body, request.Aborted);
    }

    private static string Key(JsonObject o) => (o.Namespace() ?? "") + "/" + o.Name();
}
