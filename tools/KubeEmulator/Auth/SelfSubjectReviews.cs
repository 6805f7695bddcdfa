using System.Text.Json.Nodes;
using Plural.KubeEmulator.Api;

namespace Plural.KubeEmulator.Auth;

/// <summary>
/// The self reviews: <c>SelfSubjectReview</c> tells the caller who the server thinks it is
/// (<c>kubectl auth whoami</c>); <c>SelfSubjectAccessReview</c> answers <c>kubectl auth can-i</c> by <see cref="AccessRules"/>.
/// </summary>
internal static class SelfSubjectReviews
{
    public static async Task CreateAsync(ApiRequest request)
    {
        await HttpJson.ReadBytesAsync(request.Http.Request, request.Aborted);
        var identity = request.Identity;
        var userInfo = new JsonObject
        {
            ["username"] = identity.User,
            ["groups"] = new JsonArray(identity.Groups.Select(g => (JsonNode)g).ToArray()),
        };
        if (identity.Uid is not null) userInfo["uid"] = identity.Uid;
        if (identity.Extra.Count > 0)
        {
            userInfo["extra"] = new JsonObject(identity.Extra.Select(kv =>
                KeyValuePair.Create(kv.Key, (JsonNode?)new JsonArray(kv.Value.Select(v => (JsonNode)v).ToArray()))));
        }
        await request.RespondAsync(201, new JsonObject
        {
            ["kind"] = "SelfSubjectReview",
            ["apiVersion"] = request.Kind.ApiVersion,
            ["metadata"] = new JsonObject { ["creationTimestamp"] = null },
            ["status"] = new JsonObject { ["userInfo"] = userInfo },
        });
    }

    public static async Task CreateAccessReviewAsync(ApiRequest request)
    {
        var body = await HttpJson.ReadObjectAsync(request.Http.Request, request.Aborted);
        var spec = body["spec"] as JsonObject ?? throw Errors.Invalid("SelfSubjectAccessReview", "authorization.k8s.io", "", [FieldError.Required("spec")]);
        var verb = spec["resourceAttributes"]?["verb"]?.GetValue<string>() ?? spec["nonResourceAttributes"]?["verb"]?.GetValue<string>() ?? "get";
        var allowed = AccessRules.IsAllowed(request.Identity, verb);
        await request.RespondAsync(201, new JsonObject
        {
            ["kind"] = "SelfSubjectAccessReview",
            ["apiVersion"] = request.Kind.ApiVersion,
            ["metadata"] = new JsonObject { ["creationTimestamp"] = null },
            ["spec"] = spec.DeepClone(),
            ["status"] = new JsonObject
            {
                ["allowed"] = allowed,
                ["reason"] = allowed ? "the emulator allows this identity to " + verb : "read-only identities may only get, list and watch",
            },
        });
    }
}
