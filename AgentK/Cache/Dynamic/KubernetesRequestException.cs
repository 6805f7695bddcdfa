using System.Net;

namespace Plural.AgentK.Cache.Dynamic;

/// <summary>A GET the API server refused, with its status code (410 Gone tells an informer to list again).</summary>
internal sealed class KubernetesRequestException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
}
