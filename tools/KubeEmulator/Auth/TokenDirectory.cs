namespace Plural.KubeEmulator.Auth;

/// <summary>Maps bearer tokens to identities.</summary>
internal sealed class TokenDirectory
{
    private readonly Dictionary<string, KubeEmulatorUser> _users = new(StringComparer.Ordinal);

    public TokenDirectory(KubeEmulatorOptions options)
    {
        Add(new KubeEmulatorUser(options.AdminToken, "kubernetes-admin", ["system:masters"]));
        Add(new KubeEmulatorUser(options.AgentToken, KubeEmulatorOptions.AgentUserName, ["system:serviceaccounts", "system:serviceaccounts:plural"]));
        foreach (var user in options.Users) Add(user);
    }

    public RequestIdentity? Authenticate(string? authorization)
    {
        const string scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return null;
        if (!_users.TryGetValue(authorization[scheme.Length..].Trim(), out var user)) return null;
        return new RequestIdentity(user.Name, null, WithAuthenticated(user.Groups), new Dictionary<string, IReadOnlyList<string>>());
    }

    public static IReadOnlyList<string> WithAuthenticated(IEnumerable<string> groups) =>
        groups.Append("system:authenticated").Distinct().ToList();

    private void Add(KubeEmulatorUser user) => _users[user.Token] = user;
}
