using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Plural.KubeEmulator.Resources;

namespace Plural.KubeEmulator.OpenApi;

/// <summary>
/// OpenAPI v3 documents per group version. They describe the operations (paths, verbs, the
/// x-kubernetes-group-version-kind of each, and the <c>fieldValidation</c> parameter) but not the
/// schemas in detail: that is what kubectl reads to learn that the server validates fields itself,
/// after which it skips client-side schema validation. Schemas are open objects.
/// </summary>
internal static class OpenApiV3Documents
{
    private static readonly string[] QueryParameters = ["dryRun", "fieldManager", "fieldValidation", "force", "pretty"];

    public static JsonObject Root(ResourceRegistry registry)
    {
        var paths = new JsonObject();
        foreach (var gv in registry.All().GroupBy(k => k.ApiVersion))
        {
            var relative = RelativePath(gv.First());
            var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(ForGroupVersion(gv.ToList()).ToJsonString())))[..32];
            paths[relative] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{relative}?hash={hash}" };
        }
        return new JsonObject { ["paths"] = paths };
    }

    public static string RelativePath(ResourceKind k) => k.Group.Length == 0 ? $"api/{k.Version}" : $"apis/{k.Group}/{k.Version}";

    public static JsonObject ForGroupVersion(IReadOnlyList<ResourceKind> kinds)
    {
        var paths = new JsonObject();
        var schemas = new JsonObject();
        foreach (var k in kinds)
        {
            var schemaName = SchemaName(k);
            schemas[schemaName] = new JsonObject
            {
                ["type"] = "object",
                ["x-kubernetes-preserve-unknown-fields"] = true,
                ["x-kubernetes-group-version-kind"] = new JsonArray(Gvk(k)),
            };
            var item = k.CollectionPath(k.Namespaced ? "{namespace}" : null) + "/{name}";
            var collection = k.CollectionPath(k.Namespaced ? "{namespace}" : null);
            paths[collection] = new JsonObject
            {
                ["get"] = Operation(k, "list", schemaName, withBody: false),
                ["post"] = Operation(k, "post", schemaName, withBody: true),
            };
            paths[item] = new JsonObject
            {
                ["get"] = Operation(k, "get", schemaName, withBody: false),
                ["put"] = Operation(k, "put", schemaName, withBody: true),
                ["patch"] = Patch(k, schemaName),
                ["delete"] = Operation(k, "delete", schemaName, withBody: false),
            };
        }
        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = Discovery.DiscoveryEndpoints.GitVersion },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }

    private static string SchemaName(ResourceKind k) =>
        (k.Group.Length == 0 ? "io.k8s.api.core" : string.Join('.', k.Group.Split('.').Reverse())) + $".{k.Version}.{k.Kind}";

    private static JsonObject Gvk(ResourceKind k) => new() { ["group"] = k.Group, ["version"] = k.Version, ["kind"] = k.Kind };

    private static JsonObject Ref(string schemaName) => new() { ["$ref"] = $"#/components/schemas/{schemaName}" };

    private static JsonObject Operation(ResourceKind k, string action, string schemaName, bool withBody)
    {
        var op = new JsonObject
        {
            ["operationId"] = $"{action}{k.Kind}",
            ["parameters"] = new JsonArray(QueryParameters.Select(p => (JsonNode)new JsonObject
            {
                ["name"] = p,
                ["in"] = "query",
                ["schema"] = new JsonObject { ["type"] = p == "force" ? "boolean" : "string", ["uniqueItems"] = true },
            }).ToArray()),
            ["responses"] = new JsonObject
            {
                ["200"] = new JsonObject
                {
                    ["description"] = "OK",
                    ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Ref(schemaName) } },
                },
            },
            ["x-kubernetes-action"] = action,
            ["x-kubernetes-group-version-kind"] = Gvk(k),
        };
        if (withBody)
            op["requestBody"] = new JsonObject { ["content"] = new JsonObject { ["*/*"] = new JsonObject { ["schema"] = Ref(schemaName) } }, ["required"] = true };
        return op;
    }

    /// <summary>
    /// The PATCH operation deliberately omits the strategic-merge content type: kubectl would then try to
    /// compute patches from these schema stubs; without it, it uses its compiled-in types instead.
    /// </summary>
    private static JsonObject Patch(ResourceKind k, string schemaName)
    {
        var op = Operation(k, "patch", schemaName, withBody: false);
        var content = new JsonObject();
        foreach (var type in new[] { "application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json" })
            content[type] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } };
        op["requestBody"] = new JsonObject { ["content"] = content, ["required"] = true };
        return op;
    }
}
