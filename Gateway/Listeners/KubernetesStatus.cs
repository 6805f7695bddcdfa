using System.Text.Encodings.Web;
using System.Text.Json;

namespace Plural.Gateway.Listeners;

/// <summary>
/// Error bodies in the shape of a Kubernetes <c>Status</c> object: the proxy's callers are mostly
/// Kubernetes clients, and kubectl prints the <c>message</c> of such a body verbatim.
/// </summary>
internal static class KubernetesStatus
{
    // Messages quote names; keep them readable on a terminal instead of \u0022-escaped.
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes a failure <c>Status</c> with the given HTTP code, reason and message.</summary>
    public static async Task WriteAsync(HttpResponse response, int code, string reason, string message, CancellationToken ct)
    {
        if (response.HasStarted)
        {
            return;
        }

        response.Clear();
        response.StatusCode = code;
        response.ContentType = "application/json";
        var body = new Dictionary<string, object>
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new Dictionary<string, object>(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["code"] = code,
        };
        await JsonSerializer.SerializeAsync(response.Body, body, Json, ct);
    }

    /// <summary>502: the agent or its upstream failed.</summary>
    public static Task BadGateway(HttpResponse response, string message, CancellationToken ct) =>
        WriteAsync(response, StatusCodes.Status502BadGateway, "InternalError", message, ct);
}
