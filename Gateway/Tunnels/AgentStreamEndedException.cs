namespace Plural.Gateway.Tunnels;

/// <summary>The agent closed its tunnel stream in the middle of an exchange.</summary>
public sealed class AgentStreamEndedException(string message) : Exception(message);
