using System.Text.Json.Nodes;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Resources;

namespace Plural.KubeEmulator.Auth;

/// <summary>
/// The TokenRequest API, <c>POST /api/v1/namespaces/{ns}/serviceaccounts/{name}/token</c>
/// (<c>kubectl create token</c>): a token for an existing service account, for one hour unless asked
/// otherwise (at least 10 minutes), for the API server's audience unless others are named.
/// </summary>
internal sealed class TokenRequests(ObjectService objects, ServiceAccountTokens tokens)
{
    private const long DefaultExpirationSeconds = 3600;
    private const long MinimumExpirationSeconds = 600;

    public async Task CreateAsync(ApiRequest request)
    {
        var body = await HttpJson.ReadObjectAsync(request.Http.Request, request.Aborted);
        var account = objects.Get(BuiltInKinds.ServiceAccount, request.Namespace, request.Name);
        var spec = body["spec"] as JsonObject ?? new JsonObject();
        var seconds = spec.Long("expirationSeconds") ?? DefaultExpirationSeconds;
        if (seconds < MinimumExpirationSeconds)
            throw Errors.Invalid("TokenRequest", "authentication.k8s.io", request.Name, [new FieldError("spec.expirationSeconds", "FieldValueInvalid", $"Invalid value: {seconds}: may not specify a duration less than 10 minutes")]);
        var audiences = spec.At("audiences").Strings().ToList();
        if (audiences.Count == 0) audiences.Add(ServiceAccountTokens.ApiAudience);
        var (token, expires, _) = tokens.Issue(request.Namespace!, request.Name, account.Str("metadata", "uid") ?? "", audiences, seconds);
        await request.RespondAsync(201, new JsonObject
        {
            ["kind"] = "TokenRequest",
            ["apiVersion"] = "authentication.k8s.io/v1",
            ["metadata"] = new JsonObject { ["name"] = request.Name, ["namespace"] = request.Namespace, ["creationTimestamp"] = Json.KubeTime.Format(objects.Now) },
            ["spec"] = new JsonObject
            {
                ["audiences"] = new JsonArray(audiences.Select(a => (JsonNode)a).ToArray()),
                ["expirationSeconds"] = seconds,
                ["boundObjectRef"] = spec["boundObjectRef"]?.DeepClone(),
            },
            ["status"] = new JsonObject { ["token"] = token, ["expirationTimestamp"] = Json.KubeTime.Format(expires) },
        });
    }
}
