using Grpc.Core;
using Plural.Protocol.Tunnels;

namespace Plural.Protocol.Agent;

/// <summary>
/// The <c>Connect</c> method with body frames received into pooled memory (<see cref="ReceivedBody"/>): the same
/// method and wire format as the generated one, bound by the gateway and called by the agent.
/// </summary>
public static partial class AgentGateway
{
    /// <summary><c>Connect</c>, reading body frames of either direction into pooled memory.</summary>
    public static Method<TunnelUp, TunnelDown> ConnectWithPooledBodies => PooledBodies.Connect;

    /// <summary>
    /// Binds the service as the generated <c>BindService</c> does, with <see cref="ConnectWithPooledBodies"/> for
    /// <c>Connect</c>. Named by <c>[BindServiceMethod]</c> on the gateway's implementation.
    /// </summary>
    public static void BindServiceWithPooledBodies(ServiceBinderBase serviceBinder, AgentGatewayBase? serviceImpl)
    {
        ArgumentNullException.ThrowIfNull(serviceBinder);
        serviceBinder.AddMethod(__Method_Session, serviceImpl is null ? null : new DuplexStreamingServerMethod<AgentMessage, GatewayMessage>(serviceImpl.Session));
        serviceBinder.AddMethod(ConnectWithPooledBodies, serviceImpl is null ? null : new DuplexStreamingServerMethod<TunnelUp, TunnelDown>(serviceImpl.Connect));
    }

    public partial class AgentGatewayClient
    {
        /// <summary>Opens a tunnel stream whose received body frames come in pooled memory (<see cref="ReceivedBody"/>).</summary>
        public virtual AsyncDuplexStreamingCall<TunnelUp, TunnelDown> ConnectWithPooledBodies(Metadata? headers = null, CancellationToken cancellationToken = default) =>
            CallInvoker.AsyncDuplexStreamingCall(AgentGateway.ConnectWithPooledBodies, null, new CallOptions(headers, cancellationToken: cancellationToken));
    }

    // Its own type so that it is built after the generated fields it names: partial files initialise in no set order.
    private static class PooledBodies
    {
        public static readonly Method<TunnelUp, TunnelDown> Connect = new(
            MethodType.DuplexStreaming,
            __ServiceName,
            "Connect",
            BodyFrameMarshaller.Create(TunnelUp.Parser, TunnelUp.BodyFieldNumber, static data => new TunnelUp { Body = new BodyChunk { Data = data } }),
            BodyFrameMarshaller.Create(TunnelDown.Parser, TunnelDown.BodyFieldNumber, static data => new TunnelDown { Body = new BodyChunk { Data = data } }));
    }
}
