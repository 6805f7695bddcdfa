using System.Text.Json.Nodes;
using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Resources;

namespace Plural.KubeEmulator.Tables;

/// <summary>Renders objects as <c>meta.k8s.io/v1 Table</c>, the form <c>kubectl get</c> asks for.</summary>
internal static class TableRenderer
{
    public const string AcceptMarker = "as=Table";

    public static bool IsRequested(string? accept) => accept is not null && accept.Contains(AcceptMarker, StringComparison.Ordinal);

    /// <summary>One row per object; <paramref name="includeObject"/> is the query parameter: None, Metadata (default) or Object.</summary>
    public static JsonObject Render(ResourceKind kind, IEnumerable<JsonObject> objects, JsonObject? listMetadata, string? includeObject)
    {
        var now = DateTimeOffset.UtcNow;
        var columns = kind.Columns.Count == 0 ? ColumnSets.Default : kind.Columns;
        var rows = new JsonArray();
        foreach (var o in objects)
        {
            var cells = new JsonArray(columns.Select(c => c.Cell(o, now)?.DeepClone()).ToArray());
            var row = new JsonObject { ["cells"] = cells };
            if (includeObject == "Object")
            {
                row["object"] = o.DeepClone();
            }
            else if (includeObject != "None")
            {
                row["object"] = new JsonObject
                {
                    ["kind"] = "PartialObjectMetadata",
                    ["apiVersion"] = "meta.k8s.io/v1",
                    ["metadata"] = o["metadata"]?.DeepClone(),
                };
            }
            rows.Add(row);
        }
        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = listMetadata ?? new JsonObject(),
            ["columnDefinitions"] = new JsonArray(columns.Select(Definition).ToArray()),
            ["rows"] = rows,
        };
    }

    private static JsonNode Definition(TableColumn c) => new JsonObject
    {
        ["name"] = c.Name,
        ["type"] = c.Type,
        ["format"] = c.Format,
        ["description"] = c.Description,
        ["priority"] = c.Priority,
    };
}
