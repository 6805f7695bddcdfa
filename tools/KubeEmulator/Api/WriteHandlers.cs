using System.Text.Json.Nodes;
using Plural.KubeEmulator.Json;

namespace Plural.KubeEmulator.Api;

/// <summary>POST, PUT and DELETE on resources.</summary>
internal sealed class WriteHandlers(ObjectService objects)
{
    public async Task CreateAsync(ApiRequest request)
    {
        var body = await HttpJson.ReadObjectAsync(request.Http.Request, request.Aborted);
        await request.RespondObjectAsync(201, objects.Create(request.Kind, request.Namespace, body, request.FieldManager, dryRun: request.DryRun));
    }

    public async Task ReplaceAsync(ApiRequest request, string? subresource)
    {
        var body = await HttpJson.ReadObjectAsync(request.Http.Request, request.Aborted);
        await request.RespondObjectAsync(200, objects.Replace(request.Kind, request.Namespace, request.Name, body, request.FieldManager, subresource, request.DryRun));
    }

    public async Task DeleteAsync(ApiRequest request)
    {
        var options = await ReadDeleteOptionsAsync(request);
        var result = objects.Delete(request.Kind, request.Namespace, request.Name, options, request.DryRun);
        var stillThere = !request.DryRun && result?.At("metadata", "deletionTimestamp") is not null && objects.Find(request.Kind, request.Namespace, request.Name) is not null;
        await request.RespondObjectAsync(stillThere ? 202 : 200, result!);
    }

    /// <summary>Evicts a pod (no disruption budgets are consulted): it is deleted, and its controller replaces it elsewhere.</summary>
    public async Task EvictAsync(ApiRequest request)
    {
        await HttpJson.ReadBytesAsync(request.Http.Request, request.Aborted);
        objects.Delete(request.Kind, request.Namespace, request.Name, DeleteRequest.Background, request.DryRun);
        await request.RespondAsync(201, new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["code"] = 201,
        });
    }

    public async Task DeleteCollectionAsync(ApiRequest request)
    {
        var options = await ReadDeleteOptionsAsync(request);
        var query = ListQuery.From(request);
        var deleted = new List<JsonObject>();
        foreach (var o in objects.List(request.Kind, request.Namespace).Where(query.Matches))
        {
            try
            {
                if (objects.Delete(request.Kind, o.Namespace(), o.Name(), options, request.DryRun) is { } d) deleted.Add(d);
            }
            catch (ApiException e) when (e.Code == 404)
            {
                // Deleted concurrently; the collection delete still succeeds.
            }
        }
        await request.RespondAsync(200, new JsonObject
        {
            ["kind"] = request.Kind.ListKind,
            ["apiVersion"] = request.Kind.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = objects.Store.Version.ToString() },
            ["items"] = new JsonArray(deleted.Select(d => (JsonNode)request.Present(d).CloneObject()).ToArray()),
        });
    }

    private static async Task<DeleteRequest> ReadDeleteOptionsAsync(ApiRequest request)
    {
        var policy = request.Query("propagationPolicy");
        if (request.Query("orphanDependents") is "true") policy ??= "Orphan";
        string? uid = null, rv = null;
        var bytes = await HttpJson.ReadBytesAsync(request.Http.Request, request.Aborted);
        if (bytes.Length > 0 && HttpJson.ParseJson(bytes) is JsonObject body)
        {
            policy ??= body.Str("propagationPolicy") ?? (body.Bool("orphanDependents") == true ? "Orphan" : null);
            uid = body.Str("preconditions", "uid");
            rv = body.Str("preconditions", "resourceVersion");
        }
        if (policy is not (null or "Background" or "Foreground" or "Orphan"))
            throw Errors.Invalid("DeleteOptions", "meta.k8s.io", "", [FieldError.InvalidValue("propagationPolicy", policy, "propagationPolicy must be 'Foreground', 'Background' or 'Orphan'")]);
        return new DeleteRequest(policy, uid, rv);
    }
}
