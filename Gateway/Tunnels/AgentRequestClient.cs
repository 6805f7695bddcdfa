using Google.Protobuf;
using Plural.Grains.Agents;
using Plural.Protocol.Agent;

namespace Plural.Gateway.Tunnels;

/// <summary>
/// Lets the gateway's own services send a request to an agent and read the whole answer: through a local
/// tunnel, or through the peer gateway the agent is connected to. For answers that fit in memory (queries),
/// not for streams.
/// </summary>
internal sealed class AgentRequestClient(
    TunnelForwarder forwarder,
    IHttpClientFactory clients,
    Peers.PeerCredentials credentials,
    Microsoft.Extensions.Options.IOptions<TunnelOptions> options)
{
    /// <summary>Largest reply read into memory; a bigger one fails the call rather than the process.</summary>
    public const int MaxReplyBytes = 64 * 1024 * 1024;

    /// <summary>Sends <paramref name="call"/> to <paramref name="agentName"/> and returns its reply.</summary>
    /// <exception cref="AgentUnavailableException">No tunnel of the agent is reachable, or the agent failed the request.</exception>
    public async Task<AgentReply> SendAsync(string agentName, AgentCall call, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var location = await forwarder.LocateAsync(agentName, allowPeer: true, wait: null, ct);
            if (location.Tunnel is { } tunnel)
            {
                // Null when the agent closed the tunnel before the call reached it: the call goes over another one.
                if (await ExchangeAsync(tunnel, call, mayRetry: attempt < TunnelForwarder.MaxTunnelAttempts, ct) is { } reply)
                {
                    return reply;
                }

                continue;
            }

            if (location.Peer is { } peer)
            {
                return await ViaPeerAsync(agentName, call, peer, ct);
            }

            throw new AgentUnavailableException(location.Failure!);
        }
    }

    private async Task<AgentReply?> ExchangeAsync(AgentTunnel tunnel, AgentCall call, bool mayRetry, CancellationToken ct)
    {
        var failed = false;
        try
        {
            var head = new RequestHead
            {
                RequestId = Guid.NewGuid().ToString("n"),
                Method = call.Method,
                Path = call.Path,
                Query = call.Query,
                ContentLength = call.Body.Length,
                Target = call.Target,
            };
            await tunnel.WriteAsync(new TunnelDown { RequestHead = head }, ct);
            var chunkSize = options.Value.ChunkSize;
            for (var offset = 0; offset < call.Body.Length; offset += chunkSize)
            {
                var chunk = call.Body.Slice(offset, Math.Min(chunkSize, call.Body.Length - offset));
                await tunnel.WriteAsync(new TunnelDown { Body = new BodyChunk { Data = ByteString.CopyFrom(chunk.Span) } }, ct);
            }

            await tunnel.WriteAsync(new TunnelDown { End = new RequestEnd() }, ct);
            return await ReadReplyAsync(tunnel, mayRetry, ct);
        }
        catch (Exception ex) when (ex is TunnelProtocolException or AgentStreamEndedException or IOException or Grpc.Core.RpcException)
        {
            failed = true;
            throw Failed(tunnel.Identity.AgentName, ex.Message);
        }
        finally
        {
            tunnel.Release(failed ? new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.Aborted, "exchange failed")) : null);
        }
    }

    private static async Task<AgentReply?> ReadReplyAsync(AgentTunnel tunnel, bool mayRetry, CancellationToken ct)
    {
        ResponseHead? head = null;
        using var body = new MemoryStream();
        while (true)
        {
            var frame = await tunnel.ReadAsync(ct);
            if (frame is null)
            {
                // With no frame at all the agent closed the tunnel before the call reached it.
                return head is null && mayRetry ? null : throw new AgentStreamEndedException("the agent ended the tunnel before answering");
            }

            switch (frame.FrameCase)
            {
                case TunnelUp.FrameOneofCase.ResponseHead when head is null:
                    head = frame.ResponseHead;
                    break;
                case TunnelUp.FrameOneofCase.Body when head is not null:
                    if (body.Length + frame.Body.Data.Length > MaxReplyBytes)
                    {
                        throw new TunnelProtocolException($"the reply is larger than {MaxReplyBytes} bytes");
                    }

                    frame.Body.Data.WriteTo(body);
                    break;
                case TunnelUp.FrameOneofCase.End when head is not null:
                    var contentType = head.Headers.FirstOrDefault(h => h.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))?.Values.FirstOrDefault() ?? "";
                    return new AgentReply(head.Status, contentType, body.ToArray());
                case TunnelUp.FrameOneofCase.Error:
                    throw Failed(tunnel.Identity.AgentName, $"{frame.Error.Message} ({frame.Error.Code})");
                default:
                    throw new TunnelProtocolException($"unexpected '{frame.FrameCase}' frame");
            }
        }
    }

    private async Task<AgentReply> ViaPeerAsync(string agentName, AgentCall call, TunnelLease peer, CancellationToken ct)
    {
        var query = call.Query.Length > 0 ? "?" + call.Query : "";
        var target = new Uri(new Uri(peer.GatewayAddress), $"{PeerGatewayForwarder.AgentsPrefix}/{agentName}/proxy{call.Path}{query}");
        using var request = new HttpRequestMessage(new HttpMethod(call.Method), target);
        PeerGatewayForwarder.UseHttp2WherePossible(request);
        if (call.Body.Length > 0)
        {
            request.Content = new ReadOnlyMemoryContent(call.Body);
        }

        var route = new TunnelRoute(agentName, call.Path, call.Target);
        credentials.Authorize(request.Headers, call.Method, route);
        TunnelRouteHeaders.Write(route, request.Headers);
        try
        {
            using var response = await clients.CreateClient(PeerGatewayForwarder.ClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (response.Content.Headers.ContentLength > MaxReplyBytes)
            {
                throw Failed(agentName, $"the reply is larger than {MaxReplyBytes} bytes");
            }

            var body = await response.Content.ReadAsByteArrayAsync(ct);
            return new AgentReply((int)response.StatusCode, response.Content.Headers.ContentType?.ToString() ?? "", body);
        }
        catch (HttpRequestException ex)
        {
            throw new AgentUnavailableException(new TunnelUnavailable(StatusCodes.Status502BadGateway, "InternalError",
                $"agent \"{agentName}\" is connected through gateway \"{peer.GatewayId}\", which could not be reached: {ex.Message}"));
        }
    }

    private static AgentUnavailableException Failed(string agentName, string reason) =>
        new(new TunnelUnavailable(StatusCodes.Status502BadGateway, "InternalError", $"agent \"{agentName}\" could not answer: {reason}"));
}
