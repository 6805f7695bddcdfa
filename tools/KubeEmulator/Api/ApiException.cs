using Plural.KubeEmulator.Json;
using System.Text.Json.Nodes;

namespace Plural.KubeEmulator.Api;

/// <summary>A failure that is answered with a Kubernetes <c>Status</c> object.</summary>
internal sealed class ApiException(int code, string reason, string message, JsonObject? details = null) : Exception(message)
{
    public int Code { get; } = code;
    public string Reason { get; } = reason;
    public JsonObject? Details { get; } = details;

    public JsonObject ToStatus() => StatusObjects.Failure(Code, Reason, Message, Details?.CloneObject());
}

/// <summary>The error vocabulary of the real API server, with its exact reasons and message shapes.</summary>
internal static class Errors
{
    public static ApiException NotFound(string groupResource, string name) =>
        new(404, "NotFound", $"{groupResource} \"{name}\" not found", Describe(groupResource, name));

    public static ApiException NoResource() => new(404, "NotFound", "the server could not find the requested resource", new JsonObject());

    public static ApiException AlreadyExists(string groupResource, string name) =>
        new(409, "AlreadyExists", $"{groupResource} \"{name}\" already exists", Describe(groupResource, name));

    public static ApiException Conflict(string groupResource, string name, string why) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {groupResource} \"{name}\": {why}", Describe(groupResource, name));

    public static ApiException StaleResourceVersion(string groupResource, string name) =>
        Conflict(groupResource, name, "the object has been modified; please apply your changes to the latest version and try again");

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiException Unauthorized() => new(401, "Unauthorized", "Unauthorized");

    public static ApiException Forbidden(string message, string? groupResource = null, string? name = null) =>
        new(403, "Forbidden", message, groupResource is null ? null : Describe(groupResource, name ?? ""));

    public static ApiException MethodNotAllowed(string verb, string groupResource) =>
        new(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource", Describe(groupResource, "", verb));

    public static ApiException UnsupportedMediaType(string message) => new(415, "UnsupportedMediaType", message);

    public static ApiException Expired(string message) => new(410, "Expired", message);

    public static ApiException Invalid(string kind, string group, string name, IReadOnlyList<FieldError> causes)
    {
        var qualified = group.Length == 0 ? kind : $"{kind}.{group}";
        var message = $"{qualified} \"{name}\" is invalid: " + string.Join(", ", causes.Select(c => $"{c.Field}: {c.Message}"));
        var details = new JsonObject
        {
            ["name"] = name,
            ["group"] = group,
            ["kind"] = kind,
            ["causes"] = new JsonArray(causes.Select(c => (JsonNode)new JsonObject { ["reason"] = c.Reason, ["message"] = c.Message, ["field"] = c.Field }).ToArray()),
        };
        return new ApiException(422, "Invalid", message, details);
    }

    public static ApiException Unprocessable(string message) => new(422, "Invalid", message);

    public static ApiException Internal(string message) => new(500, "InternalError", message);

    /// <summary>503 ServiceUnavailable, e.g. <c>no endpoints available for service "x"</c>.</summary>
    public static ApiException ServiceUnavailable(string message) => new(503, "ServiceUnavailable", message);

    /// <summary>
    /// A failure that is no API error, as the API server wraps one (a proxy's dial error): code 500 and the unknown,
    /// empty reason.
    /// </summary>
    public static ApiException Unknown(string message) => new(500, "", message);


    private static JsonObject Describe(string groupResource, string name, string? verb = null)
    {
        var dot = groupResource.IndexOf('.');
        var details = new JsonObject { ["name"] = name };
        if (dot > 0) details["group"] = groupResource[(dot + 1)..];
        details["kind"] = dot > 0 ? groupResource[..dot] : groupResource;
        if (verb is not null) details.Remove("name");
        return details;
    }
}
