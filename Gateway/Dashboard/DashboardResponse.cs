using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Plural.Gateway.Access;

namespace Plural.Gateway.Dashboard;

/// <summary>
/// One JSON read of the dashboard: authenticates the bearer token, runs the read, and writes its message with the
/// proto's field names, or a typed error (<c>{"code", "error"}</c>) with the HTTP status that matches the gRPC one.
/// </summary>
internal static class DashboardResponse
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(true).WithFormatDefaultValues(true));

    public static async Task WriteAsync(HttpContext context, CallerAuthenticator authenticator, Func<Caller, CancellationToken, Task<IMessage>> read)
    {
        var ct = context.RequestAborted;
        context.Response.Headers.CacheControl = "no-store";
        var credential = CallerAuthenticator.BearerOf(context.Request.Headers.Authorization);
        var (caller, refusal) = credential.Length == 0
            ? (null, "no credential (Authorization: Bearer)")
            : await authenticator.AuthenticateWithReasonAsync(credential, ct);
        if (caller is null)
        {
            await ErrorAsync(context, StatusCodes.Status401Unauthorized, "Unauthenticated", refusal, ct);
            return;
        }

        IMessage message;
        try
        {
            message = await read(caller, ct);
        }
        catch (RpcException failure)
        {
            await ErrorAsync(context, HttpStatusOf(failure.StatusCode), failure.StatusCode.ToString(), failure.Status.Detail, ct);
            return;
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(Json.Format(message), ct);
    }

    private static Task ErrorAsync(HttpContext context, int status, string code, string error, CancellationToken ct)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["code"] = code, ["error"] = error }), ct);
    }

    private static int HttpStatusOf(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument => StatusCodes.Status400BadRequest,
        StatusCode.PermissionDenied => StatusCodes.Status403Forbidden,
        StatusCode.NotFound => StatusCodes.Status404NotFound,
        StatusCode.FailedPrecondition => StatusCodes.Status409Conflict,
        StatusCode.ResourceExhausted => StatusCodes.Status429TooManyRequests,
        StatusCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
        StatusCode.DeadlineExceeded => StatusCodes.Status504GatewayTimeout,
        _ => StatusCodes.Status502BadGateway,
    };
}
