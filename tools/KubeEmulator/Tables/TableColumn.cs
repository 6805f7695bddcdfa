using System.Text.Json.Nodes;

namespace Plural.KubeEmulator.Tables;

/// <summary>One column of <c>kubectl get</c> output; priority 1 columns appear only with <c>-o wide</c>.</summary>
internal sealed record TableColumn(string Name, string Type, Func<JsonObject, DateTimeOffset, JsonNode?> Cell, int Priority = 0, string Format = "", string Description = "");
