namespace Plural.Grains.Audit;

/// <summary>
/// A Kubernetes API request as its authorizer sees it, derived from the method and path (as the API server's own
/// request-info parser does).
/// </summary>
/// <param name="Verb">get, list, watch, create, update, patch, delete, deletecollection; for a non-resource request
/// the lower-case HTTP method.</param>
/// <param name="ApiGroup">"" for the core group.</param>
/// <param name="Resource">Plural resource name, "" for a non-resource request.</param>
/// <param name="Subresource">exec, attach, portforward, log, status, scale..., or "".</param>
/// <param name="Namespace">The namespace, or "" for cluster-scoped and all-namespace requests.</param>
/// <param name="Name">The object's name, or "" for collections.</param>
/// <param name="NonResourcePath">The path of a non-resource request (<c>/version</c>), "" otherwise.</param>
[GenerateSerializer, Immutable, Alias("plural.audit.KubernetesRequest")]
public sealed record KubernetesRequest(
    [property: Id(0)] string Verb,
    [property: Id(1)] string ApiGroup,
    [property: Id(2)] string Resource,
    [property: Id(3)] string Subresource,
    [property: Id(4)] string Namespace,
    [property: Id(5)] string Name,
    [property: Id(6)] string NonResourcePath);
