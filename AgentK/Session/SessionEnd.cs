namespace Plural.AgentK.Session;

/// <summary>Why a session ended.</summary>
internal enum SessionEnd
{
    /// <summary>The agent is stopping.</summary>
    Stopped,
    /// <summary>The call failed or the gateway ended it; reconnect with backoff.</summary>
    Failed,
    /// <summary>The gateway asked the agent to move to a new connection after a delay.</summary>
    Reconnect,
}
