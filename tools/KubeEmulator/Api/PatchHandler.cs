using System.Text.Json.Nodes;
using Plural.KubeEmulator.Auth;
using Plural.KubeEmulator.Auth.Rbac;
using Plural.KubeEmulator.Patching;

namespace Plural.KubeEmulator.Api;

/// <summary>PATCH in its four flavours, chosen by Content-Type.</summary>
internal sealed class PatchHandler(ObjectService objects, RbacAuthorizer authorizer)
{
    public const string JsonPatchType = "application/json-patch+json";
    public const string MergePatchType = "application/merge-patch+json";
    public const string StrategicPatchType = "application/strategic-merge-patch+json";
    public const string ApplyPatchType = "application/apply-patch+yaml";

    public async Task PatchAsync(ApiRequest request, string? subresource)
    {
        var type = HttpJson.MediaType(request.Http.Request.ContentType);
        if (type is not (JsonPatchType or MergePatchType or StrategicPatchType or ApplyPatchType)
            || (type == StrategicPatchType && request.Kind.IsCustom))
        {
            var accepted = request.Kind.IsCustom
                ? "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"
                : "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json";
            throw Errors.UnsupportedMediaType($"the body of the request was in an unknown format - accepted media types include: {accepted}");
        }
        var bytes = await HttpJson.ReadBytesAsync(request.Http.Request, request.Aborted);
        if (type == ApplyPatchType)
        {
            await ApplyAsync(request, bytes, subresource);
            return;
        }
        var patch = HttpJson.ParseJson(bytes);
        var patched = objects.Change(request.Kind, request.Namespace, request.Name, current => Patch(request, type, current, patch), request.FieldManager, subresource, request.DryRun);
        await request.RespondObjectAsync(200, patched);
    }

    /// <summary>Applies a non-apply patch document to a private copy of an object.</summary>
    public static JsonObject Patch(ApiRequest request, string type, JsonObject current, JsonNode? patch) => type switch
    {
        JsonPatchType => JsonPatch.Apply(current, patch) as JsonObject ?? throw Errors.Unprocessable("json patch must produce an object"),
        MergePatchType => patch is JsonObject
            ? (JsonObject)JsonMergePatch.Apply(current, patch)!
            : throw Errors.BadRequest("json: cannot unmarshal into a merge patch: the patch must be a JSON object"),
        _ => patch is JsonObject sp
            ? StrategicMergePatch.Apply(current, sp, request.Kind.MergeKeys)
            : throw Errors.BadRequest("json: cannot unmarshal array into Go value of type map[string]interface {}"),
    };

    private async Task ApplyAsync(ApiRequest request, byte[] bytes, string? subresource)
    {
        if (request.Query("fieldManager") is not { Length: > 0 } manager)
            throw Errors.Invalid("PatchOptions", "meta.k8s.io", "", [FieldError.Required("fieldManager", "is required for apply patch")]);
        var applied = bytes.Length > 0 && bytes[0] == (byte)'{' ? HttpJson.ParseObject(bytes, yaml: false) : HttpJson.ParseObject(bytes, yaml: true);
        var existed = objects.Find(request.Kind, request.Namespace, request.Name) is not null;
        if (!existed) RequireCreate(request);
        var result = objects.Apply(request.Kind, request.Namespace, request.Name, applied, manager, request.Flag("force"), subresource, request.DryRun);
        await request.RespondObjectAsync(existed ? 200 : 201, result);
    }

    // An apply that creates is a create too: the API server authorizes "create" on top of the "patch" its filter checked.
    private void RequireCreate(ApiRequest request)
    {
        if (request.Http.Features.Get<RequestIdentity>() is not { } identity) return;
        var attributes = RequestAttributes.From(request.Http, identity) with { Verb = "create" };
        var decision = authorizer.Authorize(attributes);
        if (!decision.Allowed) throw ForbiddenError.ForCreateOnUpdate(attributes, decision.Reason);
    }
}
