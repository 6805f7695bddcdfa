namespace Plural.AgentK.Session;

/// <summary>The gateway broke the session contract (no welcome first, or ended the stream).</summary>
internal sealed class SessionProtocolException(string message) : Exception(message);
