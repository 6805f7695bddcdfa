using Microsoft.Extensions.Options;
using Plural.Gateway.Listeners;
using Plural.Grains.Agents;
using Plural.Protocol.Hosting;

namespace Plural.Gateway.Install;

/// <summary>
/// <c>GET /agents/{agent}/install.yaml?ticket=...</c> on the HTTP listener: the agent's manifests with its token, for
/// the first fetch of a link that has not expired. The ticket is the only credential, as a kubeconfig's token is, so
/// the link is sent to whoever runs the install and nowhere else; a second fetch gets 410 Gone.
/// </summary>
internal static partial class InstallEndpoint
{
    /// <summary>Maps the route on the HTTP listener.</summary>
    public static IEndpointConventionBuilder MapInstall(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(AgentInstallLinks.Route, HandleAsync).WithMetadata(new ListenerMetadata(ListenerKind.Http));

    private static async Task HandleAsync(string agent, HttpContext context, AgentInstallLinks links, AgentManifests manifests,
        IOptions<InstallOptions> options, GatewayListeners listeners, ILoggerFactory loggers)
    {
        var ct = context.RequestAborted;
        var logger = loggers.CreateLogger(typeof(InstallEndpoint).FullName!);
        context.Response.Headers.CacheControl = "no-store";
        var ticket = context.Request.Query[AgentInstallLinks.TicketParameter].ToString();
        var redemption = await links.RedeemAsync(agent, ticket);
        if (redemption.State != AgentInstallTicketState.Redeemed)
        {
            var used = redemption.State == AgentInstallTicketState.Used;
            LogRefused(logger, agent, used ? "used" : "unknown or expired");
            context.Response.StatusCode = used ? StatusCodes.Status410Gone : StatusCodes.Status404NotFound;
            await context.Response.WriteAsync(used
                ? $"This install link was used already; create another with 'plural install {agent}' (ServerApi CreateAgentInstall).\n"
                : "No such install link: it expired, was issued for another agent, or never existed.\n", ct);
            return;
        }

        var settings = options.Value;
        var caPem = string.IsNullOrWhiteSpace(settings.GatewayCaFile) ? null : await File.ReadAllTextAsync(settings.GatewayCaFile, ct);
        var gatewayUrl = settings.AgentGatewayUrl ?? listeners.UrlOf(ListenerKind.Agent).ToString().TrimEnd('/');
        var header = $"# Agent \"{agent}\" of the Plural platform, rendered from deploy/agentk by gateway {BuildVersion.Current}. It holds the agent's token.";
        var yaml = manifests.Render(redemption.TokenSecret!, gatewayUrl, caPem, settings.AgentImage, header);
        LogRedeemed(logger, agent);
        context.Response.ContentType = "application/yaml";
        await context.Response.WriteAsync(yaml, ct);
    }

    [LoggerMessage(EventId = 3601, Level = LogLevel.Information, Message = "Install link of agent {AgentName} redeemed")]
    private static partial void LogRedeemed(ILogger logger, string agentName);

    [LoggerMessage(EventId = 3602, Level = LogLevel.Warning, Message = "Install link of agent {AgentName} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string agentName, string reason);
}
