namespace Plural.KubeEmulator.Auth.Rbac;

/// <summary>The authorizer's answer; <see cref="Reason"/> is what SubjectAccessReview and a 403 report.</summary>
internal sealed record AuthorizationDecision(bool Allowed, string Reason)
{
    public static AuthorizationDecision Unrestricted { get; } = new(true, "");
}
