namespace Plural.KubeEmulator.Auth;

/// <summary>The effective identity of a request, after impersonation.</summary>
internal sealed record RequestIdentity(string User, string? Uid, IReadOnlyList<string> Groups, IReadOnlyDictionary<string, IReadOnlyList<string>> Extra);
