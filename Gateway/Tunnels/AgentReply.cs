namespace Plural.Gateway.Tunnels;

/// <summary>The agent's answer to an <see cref="AgentCall"/>, read in full.</summary>
/// <param name="Status">HTTP status code.</param>
/// <param name="ContentType">Media type of the body, empty when the agent sent none.</param>
/// <param name="Body">The response body.</param>
internal sealed record AgentReply(int Status, string ContentType, ReadOnlyMemory<byte> Body);
