using System.Text.Json.Serialization;

namespace Plural.AgentK.Upstream;

/// <summary>The JSON form of a repeated header's values in its marker header (source-generated, so a natively compiled agent needs no reflection).</summary>
[JsonSerializable(typeof(string[]))]
internal sealed partial class HeaderValuesJson : JsonSerializerContext;
