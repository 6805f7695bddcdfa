namespace Plural.Gateway.Tunnels;

/// <summary>The agent closed its tunnel stream in the middle of an exchange.</summary>
internal sealed class AgentStreamEndedException(string message) : Exception(message);
