using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Plural.AgentK.Upstream;

namespace Plural.AgentK.GitOps;

/// <summary>
/// Applies manifests over the Kubernetes API, and reads and deletes what GitOps owns: plain HTTP against the agent's
/// upstream with its own credentials, because server-side apply takes the document as YAML, which the typed client
/// cannot send for arbitrary kinds. A call made <c>actingAs</c> a user impersonates that user, so the cluster's RBAC
/// judges it by that user's rights rather than the agent's.
/// </summary>
internal sealed class KubernetesApplyClient(IOptions<UpstreamOptions> upstream, IOptions<GitOpsOptions> options, UpstreamCredentials credentials) : IDisposable
{
    /// <summary>The field manager of everything GitOps applies.</summary>
    public const string FieldManager = "plural-agent";

    private const string ApplyPatchType = "application/apply-patch+yaml";

    private readonly HttpMessageInvoker _http = UpstreamClientFactory.Create(upstream);
    private readonly Uri _server = new(upstream.Value.Url.TrimEnd('/') + "/");
    private readonly TimeSpan _timeout = options.Value.RequestTimeout;

    /// <summary>Applies one object (server-side apply, forced: Git wins over other managers).</summary>
    public async Task<ApiResult> ApplyAsync(string path, string body, CancellationToken ct, string? actingAs = null)
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(ApplyPatchType);
        return await SendAsync(HttpMethod.Patch, $"{path}?fieldManager={FieldManager}&force=true", content, actingAs, ct);
    }

    /// <summary>Deletes one object; its dependents are collected in the background.</summary>
    public Task<ApiResult> DeleteAsync(string path, CancellationToken ct, string? actingAs = null) =>
        SendAsync(HttpMethod.Delete, path + "?propagationPolicy=Background", null, actingAs, ct);

    public Task<ApiResult> GetAsync(string path, CancellationToken ct, string? actingAs = null) => SendAsync(HttpMethod.Get, path, null, actingAs, ct);

    private async Task<ApiResult> SendAsync(HttpMethod method, string path, HttpContent? content, string? actingAs, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(_server, path.TrimStart('/'))) { Content = content };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Authorization = credentials.Current();
        if (actingAs is not null)
        {
            // A service account's groups follow from its name on the API server; no Impersonate-Group is sent.
            request.Headers.TryAddWithoutValidation("Impersonate-User", actingAs);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(_timeout);
        try
        {
            using var response = await _http.SendAsync(request, deadline.Token);
            var text = await response.Content.ReadAsStringAsync(deadline.Token);
            return new ApiResult(response.StatusCode, Parse(text), text);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return ApiResult.Unreachable($"the API server did not answer {method} {path} within {_timeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException failure)
        {
            return ApiResult.Unreachable($"the API server is unreachable: {failure.Message}");
        }
    }

    private static JsonObject? Parse(string text)
    {
        try
        {
            return text.Length > 0 ? JsonNode.Parse(text) as JsonObject : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Dispose() => _http.Dispose();
}
