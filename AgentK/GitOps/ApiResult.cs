using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Plural.AgentK.GitOps;

/// <summary>What the API server answered: the status, and the body when it was JSON.</summary>
internal sealed record ApiResult(HttpStatusCode? Status, JsonObject? Body, string Text)
{
    public bool Succeeded => Status is { } code && (int)code is >= 200 and < 300;

    public bool NotFound => Status == HttpStatusCode.NotFound;

    public static ApiResult Unreachable(string reason) => new(null, null, reason);

    /// <summary>Why the call failed, in the API server's words (its Status message) when it gave any.</summary>
    public string Reason => Status is null
        ? Text
        : Body?["message"]?.GetValueKind() == JsonValueKind.String
            ? $"{(int)Status} {Body["reason"]?.GetValue<string>() ?? ""}: {Body["message"]!.GetValue<string>()}".Replace(" : ", ": ")
            : $"HTTP {(int)Status}";
}
