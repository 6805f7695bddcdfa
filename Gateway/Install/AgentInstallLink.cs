namespace Plural.Gateway.Install;

/// <summary>A one-time install link and the command that applies it.</summary>
public sealed record AgentInstallLink(string Url, string Command, DateTimeOffset ExpiresAt);
