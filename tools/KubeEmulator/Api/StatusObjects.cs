using System.Text.Json.Nodes;

namespace Plural.KubeEmulator.Api;

/// <summary>Builds <c>meta/v1 Status</c> bodies.</summary>
internal static class StatusObjects
{
    public static JsonObject Failure(int code, string reason, string message, JsonObject? details)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["details"] = details,
            ["code"] = code,
        };
        // The API server's "unknown" reason is the empty string, which its JSON leaves out (a proxy that cannot reach its backend).
        if (reason.Length == 0) status.Remove("reason");
        return status;
    }
}
