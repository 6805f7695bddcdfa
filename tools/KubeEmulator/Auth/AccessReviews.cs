using System.Text.Json.Nodes;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Auth.Rbac;
using Plural.KubeEmulator.Json;

namespace Plural.KubeEmulator.Auth;

/// <summary>
/// The <c>authorization.k8s.io</c> reviews, answered by the same authorizer that guards requests:
/// <c>SelfSubjectAccessReview</c> (<c>kubectl auth can-i</c>), <c>SubjectAccessReview</c> and
/// <c>LocalSubjectAccessReview</c> (for a named user or groups), <c>SelfSubjectRulesReview</c> (<c>kubectl auth can-i --list</c>).
/// </summary>
internal sealed class AccessReviews(RbacAuthorizer authorizer)
{
    private const string Group = "authorization.k8s.io";

    public async Task CreateAsync(ApiRequest request)
    {
        var kind = request.Kind.Kind;
        var body = await HttpJson.ReadObjectAsync(request.Http.Request, request.Aborted);
        var spec = body["spec"] as JsonObject ?? throw Errors.Invalid(kind, Group, "", [FieldError.Required("spec")]);
        string user;
        IReadOnlyList<string> groups;
        if (kind == "SelfSubjectAccessReview")
        {
            (user, groups) = (request.Identity.User, request.Identity.Groups);
        }
        else
        {
            user = spec.Str("user") ?? "";
            groups = spec.At("groups").Strings().ToList();
            if (user.Length == 0 && groups.Count == 0)
                throw Errors.Invalid(kind, Group, "", [FieldError.InvalidValue("spec.user", "", "at least one of user or group must be specified")]);
        }
        var resource = spec["resourceAttributes"] as JsonObject;
        var nonResource = spec["nonResourceAttributes"] as JsonObject;
        if ((resource is null) == (nonResource is null))
            throw Errors.Invalid(kind, Group, "", [FieldError.Required("spec.resourceAttributes", "exactly one of nonResourceAttributes or resourceAttributes must be specified")]);
        if (kind == "LocalSubjectAccessReview" && resource is not null && (resource.Str("namespace") ?? "") != request.Namespace)
            throw Errors.Invalid(kind, Group, "", [FieldError.InvalidValue("spec.resourceAttributes.namespace", resource.Str("namespace") ?? "", "must match metadata.namespace")]);

        var attributes = resource is not null
            ? new AuthorizationAttributes(user, groups, resource.Str("verb") ?? "", true, resource.Str("group") ?? "", resource.Str("resource") ?? "",
                resource.Str("subresource") ?? "", resource.Str("namespace") ?? "", resource.Str("name") ?? "")
            : new AuthorizationAttributes(user, groups, nonResource!.Str("verb") ?? "", false, Path: nonResource.Str("path") ?? "");
        var decision = authorizer.Authorize(attributes);
        var status = new JsonObject { ["allowed"] = decision.Allowed };
        if (decision.Reason.Length > 0) status["reason"] = decision.Reason;
        await request.RespondAsync(201, Answer(request, body, spec, status));
    }

    public async Task CreateRulesReviewAsync(ApiRequest request)
    {
        var body = await HttpJson.ReadObjectAsync(request.Http.Request, request.Aborted);
        var spec = body["spec"] as JsonObject ?? new JsonObject();
        var ns = spec.Str("namespace") ?? "";
        if (ns.Length == 0) throw Errors.BadRequest("no namespace on request");
        var errors = new List<string>();
        var rules = authorizer.RulesFor(request.Identity.User, request.Identity.Groups, ns, errors);
        var status = new JsonObject
        {
            ["resourceRules"] = new JsonArray(rules.Where(r => r.Resources.Count > 0).Select(r => (JsonNode)r.ToResourceRule()).ToArray()),
            ["nonResourceRules"] = new JsonArray(rules.Where(r => r.NonResourceUrls.Count > 0).Select(r => (JsonNode)r.ToNonResourceRule()).ToArray()),
            ["incomplete"] = errors.Count > 0,
        };
        if (errors.Count > 0) status["evaluationError"] = string.Join(", ", errors);
        await request.RespondAsync(201, Answer(request, body, spec, status));
    }

    private static JsonObject Answer(ApiRequest request, JsonObject body, JsonObject spec, JsonObject status)
    {
        var metadata = body["metadata"] as JsonObject is { } m ? m.CloneObject() : new JsonObject();
        metadata["creationTimestamp"] = null;
        if (request.Namespace is { } ns) metadata["namespace"] = ns;
        return new JsonObject
        {
            ["kind"] = request.Kind.Kind,
            ["apiVersion"] = request.Kind.ApiVersion,
            ["metadata"] = metadata,
            ["spec"] = spec.DeepClone(),
            ["status"] = status,
        };
    }
}
