using Plural.Gateway.Access;
using Plural.Gateway.Listeners;

namespace Plural.Gateway.Proxy;

/// <summary><c>GET /kubeconfig</c>: a kubeconfig for every agent the presented user token reaches, using that token.</summary>
internal static class KubeconfigEndpoint
{
    /// <summary>The route.</summary>
    public const string Route = "/kubeconfig";

    /// <summary>Maps the route on the HTTP listener.</summary>
    public static IEndpointConventionBuilder MapKubeconfig(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(Route, HandleAsync).WithMetadata(new ListenerMetadata(ListenerKind.Http));

    private static async Task HandleAsync(HttpContext context, CallerAuthenticator authenticator, KubeconfigBuilder kubeconfigs, AgentDirectory directory)
    {
        var ct = context.RequestAborted;
        var token = CallerAuthenticator.BearerOf(context.Request.Headers.Authorization);
        var (caller, refusal) = await authenticator.AuthenticateWithReasonAsync(token, ct);
        if (caller is null || caller.Kind != CallerKind.UserToken)
        {
            await KubernetesStatus.WriteAsync(context.Response, StatusCodes.Status401Unauthorized, "Unauthorized",
                caller is null ? refusal : "a kubeconfig is written for a user access token only", ct);
            return;
        }

        var agents = caller.Agents is { } allowed
            ? [.. allowed.Order(StringComparer.Ordinal)]
            : await directory.NamesAsync(10_000, ct);
        context.Response.ContentType = "application/yaml";
        await context.Response.WriteAsync(kubeconfigs.Build(agents, token, caller.User), ct);
    }
}
