using Plural.Protocol.Agent;

namespace Plural.Gateway.Operations;

/// <summary>
/// Refuses new agent streams while draining (gRPC <c>UNAVAILABLE</c>, which agents answer by dialing again) and
/// counts every other request in flight, so that the drain knows when they are done.
/// </summary>
internal sealed class DrainMiddleware(RequestDelegate next, GatewayDrain drain, InFlightRequests inFlight)
{
    private static readonly PathString AgentService = "/" + AgentGateway.Descriptor.FullName;
    private static readonly PathString SessionMethod = AgentService.Add("/Session");

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments(AgentService))
        {
            var phase = drain.Phase;
            if (phase == DrainPhase.Serving || (phase == DrainPhase.Announced && !path.StartsWithSegments(SessionMethod)))
            {
                await next(context);
                return;
            }

            // A trailers-only gRPC response: the agent reads the status without a body.
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = "14";
            context.Response.Headers["grpc-message"] = "gateway is draining; reconnect";
            return;
        }

        inFlight.Enter();
        try
        {
            await next(context);
        }
        finally
        {
            inFlight.Leave();
        }
    }
}
