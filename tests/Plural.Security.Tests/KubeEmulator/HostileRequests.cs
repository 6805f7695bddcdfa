using System.Text.Json.Nodes;
using CsCheck;

namespace Plural.Security.Tests.KubeEmulator;

/// <summary>Generators of the parts of a Kubernetes API request a client controls, biased towards the parser's edges.</summary>
internal static class HostileRequests
{
    private static readonly Gen<string> Word = Gen.Frequency(
        (3, Gen.OneOf("app", "web", "tier", "db", "a.b/c", "example.com/x", "metadata.name", "metadata.namespace",
            "status.phase", "spec.nodeName", "Running", "default", "kube-system")),
        (1, Gen.String[Gen.Char.AlphaNumeric, 0, 10]),
        (1, Gen.String[0, 8]));

    private static readonly Gen<string> Operator = Gen.OneOf("=", "==", "!=", " in ", " notin ", "!", ",", "(", ")", " ", "=(", "\u0000", "%", "\\");

    /// <summary>Selector text: words and operators in any order, so both valid and broken syntax come up.</summary>
    public static readonly Gen<string> Selector = Gen.OneOf(Word, Operator).Array[0, 10].Select(parts => string.Concat(parts));

    private static readonly Gen<string> Segment = Gen.Frequency(
        (6, Gen.OneOf("api", "apis", "v1", "apps", "namespaces", "default", "pods", "configmaps", "deployments", "nodes",
            "status", "log", "exec", "scale", "watch", "version", "openapi", "v2", "x")),
        (1, Gen.OneOf("..", ".", "%2e%2e", "%2F", "%00", "~", "%zz", "a%20b", "%C3%A9", ";", "?")),
        (1, Gen.String[Gen.Char.AlphaNumeric, 0, 12]));

    /// <summary>
    /// A request path of up to eight segments (empty ones make <c>//</c>). Bytes that are not valid in a request line
    /// are sent escaped: raw ones never reach the emulator, Kestrel refuses the request line first.
    /// </summary>
    public static readonly Gen<string> Path = Segment.Array[0, 8].Select(parts => "/" + string.Join('/', parts));

    private static readonly Gen<string> Key = Gen.Frequency(
        (3, Gen.OneOf("apiVersion", "kind", "metadata", "name", "namespace", "labels", "annotations", "data", "spec",
            "selector", "matchLabels", "matchExpressions", "operator", "values", "key", "replicas", "resourceVersion",
            "op", "path", "value", "from", "$patch")),
        (1, Gen.String[0, 8]));

    private static readonly Gen<JsonNode?> Scalar = Gen.Frequency(
        (2, Gen.String[0, 16].Select(s => (JsonNode?)JsonValue.Create(s))),
        (1, Gen.OneOf("v1", "ConfigMap", "Pod", "test", "/metadata/name", "add", "remove", "replace", "In")
            .Select(s => (JsonNode?)JsonValue.Create(s))),
        (1, Gen.Long.Select(n => (JsonNode?)JsonValue.Create(n))),
        (1, Gen.Double.Select(d => double.IsFinite(d) ? (JsonNode?)JsonValue.Create(d) : null)),
        (1, Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b))),
        (1, Gen.Const((JsonNode?)null)));

    /// <summary>A JSON document of bounded depth whose keys are mostly the ones the emulator looks at.</summary>
    public static Gen<JsonNode?> Json(int depth) => depth == 0
        ? Scalar
        : Gen.Frequency(
            (2, Scalar),
            (1, Json(depth - 1).Array[0, 4].Select(items => (JsonNode?)new JsonArray([.. items]))),
            (3, Gen.Select(Key, Json(depth - 1)).Array[0, 5].Select(members =>
            {
                var o = new JsonObject();
                foreach (var (key, value) in members)
                {
                    o[key] = value;
                }

                return (JsonNode?)o;
            })));
}
