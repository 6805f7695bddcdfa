using System.Text.Json.Nodes;
using Plural.KubeEmulator.Api;

namespace Plural.KubeEmulator.Auth;

/// <summary><c>SelfSubjectReview</c> tells the caller who the server thinks it is (<c>kubectl auth whoami</c>).</summary>
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
}
