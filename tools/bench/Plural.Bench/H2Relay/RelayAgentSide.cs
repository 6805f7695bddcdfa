using System.Globalization;
using System.Net;

namespace Plural.Bench.H2Relay;

/// <summary>
/// The agent side of the dotnet-h2 route: one HTTP/2 connection to the gateway side (prior knowledge, h2c, the product
/// agent's handler settings) and HTTP/1.1 to the upstream. For each call announced on the notice stream it fetches the
/// caller's body from <c>GET /bulk/{id}</c> (when there is one) straight into the upstream request, and streams the
/// upstream's answer into <c>POST /bulk/{id}</c>: the shape of a bulk path for large bodies, without the platform.
/// </summary>
public sealed class RelayAgentSide : IDisposable
{
    /// <summary>The line the agent side prints once its notice stream is open: from then on calls get through.</summary>
    public const string ConnectedLine = "dotnet-h2 agent side: connected";

    private readonly HttpClient _gateway;
    private readonly HttpClient _upstream;
    private readonly Uri _upstreamUrl;

    /// <summary>Clients for the gateway side at <paramref name="gatewayUrl"/> and the upstream at <paramref name="upstreamUrl"/>.</summary>
    public RelayAgentSide(Uri gatewayUrl, Uri upstreamUrl)
    {
        _upstreamUrl = upstreamUrl;
        _gateway = new HttpClient(new SocketsHttpHandler
        {
            // As AgentK's GatewayChannelFactory: every stream on one connection, a 1 MiB stream window, no expiry.
            EnableMultipleHttp2Connections = false,
            InitialHttp2StreamWindowSize = RelayHttp2Settings.AgentStreamWindowBytes,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
        })
        {
            BaseAddress = gatewayUrl,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _upstream = new HttpClient(new SocketsHttpHandler
        {
            // As AgentK's UpstreamClientFactory: a transparent forwarder.
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
            EnableMultipleHttp2Connections = true,
            ActivityHeadersPropagator = null,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>Reads notices and serves each call on its own task until the stream ends or <paramref name="ct"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        using var notices = await _gateway.GetAsync("/bulk/notices", HttpCompletionOption.ResponseHeadersRead, ct);
        notices.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await notices.Content.ReadAsStreamAsync(ct));
        Console.WriteLine(ConnectedLine);
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            var notice = CallNotice.Parse(line);
            _ = Task.Run(() => ServeAsync(notice, ct), ct);
        }
    }

    private async Task ServeAsync(CallNotice notice, CancellationToken ct)
    {
        try
        {
            // Upload: the gateway side answers GET /bulk/{id} with the caller's body, which becomes the upstream request's.
            using var callerBody = notice.ContentLength is null
                ? null
                : await _gateway.GetAsync($"/bulk/{notice.Id}", HttpCompletionOption.ResponseHeadersRead, ct);
            callerBody?.EnsureSuccessStatusCode();
            using var toUpstream = new HttpRequestMessage(new HttpMethod(notice.Method), new Uri(_upstreamUrl, notice.PathAndQuery));
            if (callerBody is not null)
            {
                toUpstream.Content = new StreamContent(await callerBody.Content.ReadAsStreamAsync(ct), RelayHttp2Settings.ChunkBytes);
                toUpstream.Content.Headers.ContentLength = notice.ContentLength;
                toUpstream.Content.Headers.ContentType = callerBody.Content.Headers.ContentType;
            }

            using var answer = await _upstream.SendAsync(toUpstream, HttpCompletionOption.ResponseHeadersRead, ct);
            await PostAnswerAsync(notice.Id, answer, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // "fail:" is what the bench counts as an error line of a process on the route.
            await Console.Error.WriteLineAsync($"fail: dotnet-h2 agent side: call {notice.Method} {notice.PathAndQuery}: {ex.GetType().Name}: {ex.Message}");
            await AnswerBadGatewayAsync(notice.Id, ct);
        }
    }

    // So that the caller is not left waiting: a call the gateway side still holds is answered 502 (if it is gone, or
    // half answered, the gateway side has already failed it and this is refused).
    private async Task AnswerBadGatewayAsync(string id, CancellationToken ct)
    {
        try
        {
            using var answer = new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new ByteArrayContent([]) };
            await PostAnswerAsync(id, answer, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            // Nothing more to tell.
        }
    }

    // Download, and every answer: the upstream's body streams as the raw body of POST /bulk/{id}.
    private async Task PostAnswerAsync(string id, HttpResponseMessage answer, CancellationToken ct)
    {
        // A request built by hand does not take the client's default version: it must say HTTP/2 itself.
        using var post = new HttpRequestMessage(HttpMethod.Post, $"/bulk/{id}")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new StreamContent(await answer.Content.ReadAsStreamAsync(ct), RelayHttp2Settings.ChunkBytes),
        };
        post.Headers.Add(RelayGatewaySide.StatusHeader, ((int)answer.StatusCode).ToString(CultureInfo.InvariantCulture));
        post.Content.Headers.ContentLength = answer.Content.Headers.ContentLength;
        post.Content.Headers.ContentType = answer.Content.Headers.ContentType;
        using var accepted = await _gateway.SendAsync(post, ct);
        accepted.EnsureSuccessStatusCode();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _gateway.Dispose();
        _upstream.Dispose();
    }
}
