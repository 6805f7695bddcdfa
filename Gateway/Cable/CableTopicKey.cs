namespace Plural.Gateway.Cable;

/// <summary>A stream a gateway subscribes to once for all its local subscribers.</summary>
/// <param name="Channel">The channel name, which fixes the stream namespace and payload type.</param>
/// <param name="Key">The stream key: an agent name, or <see cref="Plural.Grains.Agents.AgentStatusChanged.FleetKey"/>.</param>
internal readonly record struct CableTopicKey(string Channel, string Key)
{
    public override string ToString() => $"{Channel}/{Key}";
}
