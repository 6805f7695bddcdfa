// The generated message lives in namespace Plural.Protocol.Agent; this part adds the name both sides agree on.
// ReSharper disable once CheckNamespace
namespace Plural.Protocol.Agent;

/// <summary>The gateway's request for tunnel streams, with the capability that allows it.</summary>
public sealed partial class TunnelsWanted
{
    /// <summary>
    /// Declared in <c>hello</c> by an agent that opens tunnel streams when its gateway asks (<c>tunnels_wanted</c>), and
    /// accepted in <c>welcome</c> by a gateway that asks; such an agent may hold no idle stream while it is quiet.
    /// </summary>
    public const string OnDemandCapability = "tunnel.on_demand.v1";
}
