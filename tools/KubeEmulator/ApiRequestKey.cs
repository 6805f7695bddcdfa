namespace Plural.KubeEmulator;

/// <summary>
/// What a request asked for, in the terms of the API server's own request metrics and audit log.
/// </summary>
/// <param name="Verb">
/// For resource requests the Kubernetes verb: <c>get</c>, <c>list</c>, <c>watch</c>, <c>create</c>,
/// <c>update</c>, <c>patch</c>, <c>delete</c>, <c>deletecollection</c>. For every other request the
/// lower-case HTTP method (<c>get</c> for <c>GET /version</c>).
/// </param>
/// <param name="Resource">
/// For resource requests the plural resource name, qualified by its group outside the core group and
/// followed by the subresource: <c>pods</c>, <c>deployments.apps</c>, <c>pods/log</c>,
/// <c>deployments.apps/scale</c>. For every other request the URL path (<c>/version</c>, <c>/apis</c>).
/// </param>
public readonly record struct ApiRequestKey(string Verb, string Resource);
