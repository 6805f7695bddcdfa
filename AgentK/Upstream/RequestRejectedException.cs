namespace Plural.AgentK.Upstream;

/// <summary>The agent refuses to forward a request; the message is sent to the gateway as is.</summary>
internal sealed class RequestRejectedException(string message) : Exception(message);
