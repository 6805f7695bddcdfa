namespace Plural.Gateway.Listeners;

/// <summary>
/// Answers 404 for an endpoint reached on a listener it does not belong to, so that for example
/// <c>ServerApi</c> is never reachable on the agent port that faces the internet.
/// </summary>
internal sealed class ListenerFilterMiddleware(RequestDelegate next, GatewayListeners listeners)
{
    public Task InvokeAsync(HttpContext context)
    {
        var required = context.GetEndpoint()?.Metadata.GetMetadata<ListenerMetadata>();
        if (required is not null && listeners.KindOf(context.Connection.LocalPort) is { } actual && actual != required.Kind)
        {
            context.SetEndpoint(null);
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        return next(context);
    }
}
