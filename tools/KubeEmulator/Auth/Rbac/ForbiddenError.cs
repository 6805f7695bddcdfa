using System.Text.Json.Nodes;
using Plural.KubeEmulator.Api;

namespace Plural.KubeEmulator.Auth.Rbac;

/// <summary>
/// The API server's 403 for a denied request, word for word:
/// <c>pods "web" is forbidden: User "jane" cannot delete resource "pods" in API group "" in the namespace "demo"</c>,
/// <c>... cannot get resource "pods/log" ...</c>, <c>... at the cluster scope</c>, or for a path
/// <c>forbidden: User "jane" cannot get path "/apis"</c>; the authorizer's reason, if any, follows a colon.
/// </summary>
internal static class ForbiddenError
{
    /// <summary>
    /// The 403 of an apply (or update) that would create an object its caller may patch but not create. The API
    /// server builds it from the authorizer's reason alone, which for a plain RBAC denial is empty:
    /// <c>configmaps "x" is forbidden: </c>.
    /// </summary>
    public static ApiException ForCreateOnUpdate(AuthorizationAttributes request, string reason)
    {
        var qualified = request.ApiGroup.Length == 0 ? request.Resource : $"{request.Resource}.{request.ApiGroup}";
        return new ApiException(403, "Forbidden", $"{qualified} \"{request.Name}\" is forbidden: {reason}", Details(request));
    }

    public static ApiException For(AuthorizationAttributes request, string reason)
    {
        var why = $"User \"{request.User}\" cannot {request.Verb}";
        if (request.IsResourceRequest)
        {
            var resource = request.Subresource.Length == 0 ? request.Resource : $"{request.Resource}/{request.Subresource}";
            why += $" resource \"{resource}\" in API group \"{request.ApiGroup}\"";
            why += request.Namespace.Length == 0 ? " at the cluster scope" : $" in the namespace \"{request.Namespace}\"";
        }
        else
        {
            why += $" path \"{request.Path}\"";
        }
        if (reason.Length > 0) why += ": " + reason;

        var qualified = request.ApiGroup.Length == 0 ? request.Resource : $"{request.Resource}.{request.ApiGroup}";
        var message = qualified.Length == 0 ? $"forbidden: {why}"
            : request.Name.Length == 0 ? $"{qualified} is forbidden: {why}"
            : $"{qualified} \"{request.Name}\" is forbidden: {why}";
        return new ApiException(403, "Forbidden", message, Details(request));
    }

    private static JsonObject Details(AuthorizationAttributes request)
    {
        var details = new JsonObject();
        if (request.Name.Length > 0) details["name"] = request.Name;
        if (request.ApiGroup.Length > 0) details["group"] = request.ApiGroup;
        if (request.Resource.Length > 0) details["kind"] = request.Resource;
        return details;
    }
}
