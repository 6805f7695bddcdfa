using Microsoft.AspNetCore.Http;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Auth.Rbac;

namespace Plural.KubeEmulator.Auth;

/// <summary>
/// Honours the <c>Impersonate-*</c> headers as the API server does: the caller needs <c>impersonate</c> on
/// each thing it asks to be (<c>users</c> or <c>serviceaccounts</c> by name, <c>groups</c>, <c>uids</c>,
/// <c>userextras/{key}</c>), checked in that order; the request then continues as the impersonated identity.
/// </summary>
internal sealed class Impersonation(RbacAuthorizer authorizer)
{
    private const string ExtraPrefix = "Impersonate-Extra-";
    private const string ServiceAccountPrefix = "system:serviceaccount:";
    private const string AuthenticationGroup = "authentication.k8s.io";

    public RequestIdentity Apply(RequestIdentity caller, IHeaderDictionary headers)
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

        var serviceAccount = user.StartsWith(ServiceAccountPrefix, StringComparison.Ordinal) && user.Split(':') is { Length: 4 } parts ? parts : null;
        Require(serviceAccount is null
            ? AuthorizationAttributes.ForResource(caller, "impersonate", "", "users", name: user)
            : AuthorizationAttributes.ForResource(caller, "impersonate", "", "serviceaccounts", ns: serviceAccount[2], name: serviceAccount[3]));
        foreach (var group in groups) Require(AuthorizationAttributes.ForResource(caller, "impersonate", "", "groups", name: group));
        foreach (var (key, values) in extra)
        {
            foreach (var value in values) Require(AuthorizationAttributes.ForResource(caller, "impersonate", AuthenticationGroup, "userextras", key, name: value));
        }
        if (uid.Length > 0) Require(AuthorizationAttributes.ForResource(caller, "impersonate", AuthenticationGroup, "uids", name: uid));

        if (serviceAccount is not null)
        {
            groups.Add("system:serviceaccounts");
            groups.Add($"system:serviceaccounts:{serviceAccount[2]}");
        }
        return new RequestIdentity(user, uid.Length == 0 ? null : uid, TokenDirectory.WithAuthenticated(groups), extra);
    }

    private void Require(AuthorizationAttributes attributes) => authorizer.Require(attributes);
}
