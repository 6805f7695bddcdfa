using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Options;
using Plural.Gateway.Access;
using Plural.Gateway.Listeners;

namespace Plural.Gateway.Cable;

/// <summary>
/// <c>/cable</c>: the ActionCable WebSocket endpoint on the HTTP listener. The credential comes from the
/// <c>token</c> query parameter, an <c>Authorization: Bearer</c> header, or the cookie named by
/// <see cref="CableOptions.CookieName"/>; a refused one gets the ActionCable <c>disconnect</c> with reason
/// <c>unauthorized</c>, which stops the stock client from retrying.
/// </summary>
internal static partial class CableEndpoint
{
    /// <summary>The route.</summary>
    public const string Route = "/cable";

    /// <summary>The only subprotocol spoken.</summary>
    public const string Subprotocol = "actioncable-v1-json";

    /// <summary>
    /// Adds WebSocket handling and maps <c>/cable</c> on the HTTP listener.
    /// </summary>
    public static WebApplication MapCable(this WebApplication app)
    {
        // Pings are ActionCable messages (every 3 s), so WebSocket-level keepalives would only add traffic.
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.Map(Route, HandleAsync).WithMetadata(new ListenerMetadata(ListenerKind.Http));
        return app;
    }

    private static async Task HandleAsync(HttpContext context, CableHub hub, CallerAuthenticator authenticator,
        IOptions<CableOptions> options, TimeProvider clock, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(CableEndpoint).FullName!);
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            context.Response.Headers.Upgrade = "websocket";
            await context.Response.WriteAsync($"{Route} speaks ActionCable over WebSocket (subprotocol {Subprotocol}).\n");
            return;
        }

        if (!context.WebSockets.WebSocketRequestedProtocols.Contains(Subprotocol))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync($"Sec-WebSocket-Protocol must offer {Subprotocol}.\n");
            return;
        }

        var settings = options.Value;
        var (credential, fromCookie) = CredentialOf(context.Request, settings);
        if (fromCookie && !OriginAllowed(context.Request, settings))
        {
            // A cookie rides along with any page's WebSocket; only pages we trust may use it.
            LogOriginRefused(logger, context.Request.Headers.Origin.ToString());
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsync("This origin may not connect with the cookie; send the token instead.\n");
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = Subprotocol });
        if (context.Features.Get<IConnectionSocketFeature>()?.Socket is { } tcp)
        {
            tcp.SendBufferSize = settings.SocketSendBufferBytes;
        }

        var (caller, refusal) = credential.Length == 0
            ? (null, "no credential (token query parameter, Authorization header or cookie)")
            : await authenticator.AuthenticateWithReasonAsync(credential, context.RequestAborted);
        if (caller is null)
        {
            LogUnauthorized(logger, refusal);
            await RefuseAsync(socket, settings, context.RequestAborted);
            return;
        }

        var connection = new CableConnection(socket, caller, credential, hub, authenticator, settings, clock, logger, context.RequestAborted);
        await connection.RunAsync();
    }

    private static (string Credential, bool FromCookie) CredentialOf(HttpRequest request, CableOptions options)
    {
        var query = request.Query["token"].ToString();
        if (query.Length > 0)
        {
            return (query, false);
        }

        var bearer = CallerAuthenticator.BearerOf(request.Headers.Authorization);
        if (bearer.Length > 0)
        {
            return (bearer, false);
        }

        return request.Cookies.TryGetValue(options.CookieName, out var cookie) && !string.IsNullOrWhiteSpace(cookie)
            ? (cookie, true)
            : ("", false);
    }

    private static bool OriginAllowed(HttpRequest request, CableOptions options)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return true; // Not a browser: no ambient cookie to abuse.
        }

        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri))
        {
            return false;
        }

        return string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
            || options.AllowedOrigins.Any(o => string.Equals(o.TrimEnd('/'), origin.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));
    }

    private static async Task RefuseAsync(System.Net.WebSockets.WebSocket socket, CableOptions options, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.CloseTimeout);
        try
        {
            await socket.SendAsync(CableFrames.Disconnect("unauthorized", reconnect: false),
                System.Net.WebSockets.WebSocketMessageType.Text, true, timeout.Token);
            await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation, "unauthorized", timeout.Token);
        }
        catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or OperationCanceledException or IOException)
        {
            // The client is gone already; nothing to tell it.
        }
    }

    [LoggerMessage(EventId = 5201, Level = LogLevel.Information, Message = "Cable connection refused: {Refusal}")]
    private static partial void LogUnauthorized(ILogger logger, string refusal);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Warning, Message = "Cable connection with the cookie refused for origin {Origin}")]
    private static partial void LogOriginRefused(ILogger logger, string origin);
}
