using Microsoft.AspNetCore.Http;
using Plural.KubeEmulator.Api;

namespace Plural.KubeEmulator.Auth;

/// <summary>Honours the <c>Impersonate-*</c> headers for identities allowed to impersonate.</summary>
internal static class Impersonation
{
    private const string ExtraPrefix = "Impersonate-Extra-";

    public static RequestIdentity Apply(RequestIdentity caller, IHeaderDictionary headers)
    {
        var user = headers["Impersonate-User"].ToString();
        var groups = headers["Impersonate-Group"].Where(g => !string.IsNullOrEmpty(g)).Select(g => g!).ToList();
        var uid = headers["Impersonate-Uid"].ToString();
        var extra = headers.Where(h => h.Key.StartsWith(ExtraPrefix, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => Uri.UnescapeDataString(h.Key[ExtraPrefix.Length..]).ToLowerInvariant(), h => (IReadOnlyList<string>)h.Value.Select(v => v ?? "").ToList());
        if (user.Length == 0)
        {
            if (groups.Count > 0 || uid.Length > 0 || extra.Count > 0)
                throw Errors.BadRequest("requested impersonation of groups, uid or extra without impersonating a user");
            return caller;
        }
        if (!caller.CanImpersonate)
            throw Errors.Forbidden($"users \"{user}\" is forbidden: User \"{caller.User}\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope", "users", user);
        const string serviceAccountPrefix = "system:serviceaccount:";
        if (user.StartsWith(serviceAccountPrefix, StringComparison.Ordinal) && user.Split(':') is { Length: 4 } parts)
        {
            groups.Add("system:serviceaccounts");
            groups.Add($"system:serviceaccounts:{parts[2]}");
        }
        return new RequestIdentity(user, uid.Length == 0 ? null : uid, TokenDirectory.WithAuthenticated(groups), extra, CanImpersonate: false);
    }
}
