using System.Text.Json;
using System.Text.Json.Serialization;

namespace Plural.AgentK.Observability;

/// <summary><c>/status</c>'s JSON form (camelCase, source-generated, so a natively compiled agent needs no reflection).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AgentStatusSnapshot))]
internal sealed partial class AgentStatusJson : JsonSerializerContext;
