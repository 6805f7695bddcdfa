using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Resources;

namespace Plural.KubeEmulator.Auth;

/// <summary>Maps bearer tokens to identities: the configured static tokens, then service-account tokens from the TokenRequest API.</summary>
internal sealed class TokenDirectory
{
    private const string CredentialIdKey = "authentication.kubernetes.io/credential-id";

    private readonly Dictionary<string, KubeEmulatorUser> _users = new(StringComparer.Ordinal);
    private readonly ServiceAccountTokens _serviceAccountTokens;
    private readonly ObjectService _objects;

    public TokenDirectory(KubeEmulatorOptions options, ServiceAccountTokens serviceAccountTokens, ObjectService objects)
    {
        _serviceAccountTokens = serviceAccountTokens;
        _objects = objects;
        Add(new KubeEmulatorUser(options.AdminToken, "kubernetes-admin", ["system:masters"]));
        Add(new KubeEmulatorUser(options.AgentToken, KubeEmulatorOptions.AgentUserName, ["system:serviceaccounts", "system:serviceaccounts:plural"]));
        foreach (var user in options.Users) Add(user);
    }

    public RequestIdentity? Authenticate(string? authorization)
    {
        const string scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return null;
        var token = authorization[scheme.Length..].Trim();
        if (_users.TryGetValue(token, out var user))
            return new RequestIdentity(user.Name, null, WithAuthenticated(user.Groups), new Dictionary<string, IReadOnlyList<string>>());
        return ServiceAccount(token);
    }

    public static IReadOnlyList<string> WithAuthenticated(IEnumerable<string> groups) =>
        groups.Append("system:authenticated").Distinct().ToList();

    // The account must still exist with the uid the token was minted for: deleting it revokes its tokens.
    private RequestIdentity? ServiceAccount(string token)
    {
        if (_serviceAccountTokens.Validate(token) is not { } claims) return null;
        var account = _objects.Find(BuiltInKinds.ServiceAccount, claims.Namespace, claims.Name);
        if (account?["metadata"]?["uid"]?.GetValue<string>() != claims.Uid) return null;
        return new RequestIdentity(
            $"system:serviceaccount:{claims.Namespace}:{claims.Name}",
            claims.Uid,
            WithAuthenticated(["system:serviceaccounts", $"system:serviceaccounts:{claims.Namespace}"]),
            new Dictionary<string, IReadOnlyList<string>> { [CredentialIdKey] = [$"JTI={claims.Id}"] });
    }

    private void Add(KubeEmulatorUser user) => _users[user.Token] = user;
}
