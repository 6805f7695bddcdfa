// The generated message lives in namespace Plural.Protocol.Agent; this part adds the names both sides agree on.
// ReSharper disable once CheckNamespace
namespace Plural.Protocol.Agent;

/// <summary>The first frame of a tunnel stream, with the capability names both sides agree on.</summary>
public sealed partial class TunnelReady
{
    /// <summary>
    /// The stream serves one request after another (<c>request_head.reusable_stream</c>,
    /// <c>stream_reusable</c> on the agent's last frame) and small bodies travel inline in the heads.
    /// </summary>
    public const string ReuseCapability = "tunnel.reuse.v1";
}
