using System.Text.Json.Nodes;
using Plural.KubeEmulator.Json;

namespace Plural.KubeEmulator.Api;

/// <summary>The <c>scale</c> subresource (autoscaling/v1 Scale) used by <c>kubectl scale</c> and autoscalers.</summary>
internal sealed class ScaleHandler(ObjectService objects)
{
    public Task GetAsync(ApiRequest request) =>
        request.RespondAsync(200, ToScale(objects.Get(request.Kind, request.Namespace, request.Name)));

    public async Task ReplaceAsync(ApiRequest request)
    {
        var body = await HttpJson.ReadObjectAsync(request.Http.Request, request.Aborted);
        await request.RespondAsync(200, ToScale(Scale(request, _ => body)));
    }

    public async Task PatchAsync(ApiRequest request)
    {
        var type = HttpJson.MediaType(request.Http.Request.ContentType);
        if (type is not (PatchHandler.JsonPatchType or PatchHandler.MergePatchType or PatchHandler.StrategicPatchType))
            throw Errors.UnsupportedMediaType("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json");
        var patch = HttpJson.ParseJson(await HttpJson.ReadBytesAsync(request.Http.Request, request.Aborted));
        await request.RespondAsync(200, ToScale(Scale(request, scale => PatchHandler.Patch(request, type, scale, patch))));
    }

    private JsonObject Scale(ApiRequest request, Func<JsonObject, JsonObject> change) =>
        objects.Change(request.Kind, request.Namespace, request.Name, current =>
        {
            var scale = change(ToScale(current));
            if (scale.Long("spec", "replicas") is not { } replicas || replicas < 0)
                throw Errors.Invalid("Scale", "autoscaling", request.Name, [FieldError.InvalidValue("spec.replicas", scale.At("spec", "replicas")?.ToJsonString() ?? "", "must be greater than or equal to 0")]);
            current.Obj("spec")["replicas"] = replicas;
            if (scale.Str("metadata", "resourceVersion") is { Length: > 0 } rv) current.Metadata()["resourceVersion"] = rv;
            return current;
        }, request.FieldManager, null);

    private static JsonObject ToScale(JsonObject o) => new()
    {
        ["kind"] = "Scale",
        ["apiVersion"] = "autoscaling/v1",
        ["metadata"] = new JsonObject
        {
            ["name"] = o.Name(),
            ["namespace"] = o.Namespace(),
            ["uid"] = o.Str("metadata", "uid"),
            ["resourceVersion"] = o.Str("metadata", "resourceVersion"),
            ["creationTimestamp"] = o.Str("metadata", "creationTimestamp"),
        },
        ["spec"] = new JsonObject { ["replicas"] = o.Long("spec", "replicas") ?? 0 },
        ["status"] = new JsonObject
        {
            ["replicas"] = o.Long("status", "replicas") ?? 0,
            ["selector"] = SelectorText(o.At("spec", "selector")),
        },
    };

    private static string SelectorText(JsonNode? selector)
    {
        if (selector is not JsonObject s) return "";
        return string.Join(",", JsonTree.StringMap(s["matchLabels"]).Select(kv => $"{kv.Key}={kv.Value}"));
    }
}
