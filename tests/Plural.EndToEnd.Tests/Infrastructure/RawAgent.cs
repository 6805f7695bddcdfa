using Grpc.Core;
using Grpc.Net.Client;
using Plural.Protocol.Agent;

namespace Plural.EndToEnd.Tests.Infrastructure;

/// <summary>A hand-driven agent connection, for sending what a well-behaved agent never would.</summary>
internal sealed class RawAgent : IDisposable
{
    private readonly GrpcChannel _channel;

    /// <param name="gateway">The gateway's agent listener.</param>
    /// <param name="caFile">The CA to pin for an <c>https://</c> listener; null for the system's trust store.</param>
    public RawAgent(Uri gateway, string? caFile = null)
    {
        _channel = TrustedChannel.For(gateway, caFile);
        Client = new AgentGateway.AgentGatewayClient(_channel);
    }

    public AgentGateway.AgentGatewayClient Client { get; }

    public static Metadata Bearer(string? token) =>
        token is null ? [] : new Metadata { { "authorization", "Bearer " + token } };

    /// <summary>Opens a session with a hello and returns the gateway's first answer (or its error).</summary>
    public async Task<GatewayMessage> HelloAsync(string? token, CancellationToken ct)
    {
        using var call = Client.Session(Bearer(token), cancellationToken: ct);
        try
        {
            await call.RequestStream.WriteAsync(new AgentMessage { Hello = new Hello { AgentVersion = "raw", InstanceId = "raw" } }, ct);
        }
        catch (RpcException)
        {
            // A refusal can end the call before the hello is written; the status the gateway sent is what counts.
            await call.ResponseHeadersAsync.ContinueWith(_ => { }, TaskScheduler.Default);
            throw new RpcException(call.GetStatus());
        }

        Assert.True(await call.ResponseStream.MoveNext(ct), "the gateway ended the session without a word");
        return call.ResponseStream.Current;
    }

    public void Dispose() => _channel.Dispose();
}
