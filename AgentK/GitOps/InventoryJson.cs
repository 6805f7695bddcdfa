using System.Text.Json.Serialization;

namespace Plural.AgentK.GitOps;

/// <summary>The inventory's JSON form (camelCase, source-generated).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(List<InventoryEntry>))]
internal sealed partial class InventoryJson : JsonSerializerContext;
