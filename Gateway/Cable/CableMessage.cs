namespace Plural.Gateway.Cable;

/// <summary>One numbered message of a topic, rendered once and shared by every subscriber.</summary>
/// <param name="Sequence">
/// Position in the topic: from 1 without gaps on a gateway's own topics; the event log's position on topics numbered
/// by the log, which grows but jumps when the log starts a new activation.
/// </param>
/// <param name="AgentId">The agent the message is about; subscribers may see only some agents.</param>
/// <param name="Payload">The <c>message</c> object of the ActionCable frame, as JSON.</param>
internal sealed record CableMessage(long Sequence, string AgentId, byte[] Payload);
