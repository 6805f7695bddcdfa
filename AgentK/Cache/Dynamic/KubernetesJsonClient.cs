using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Plural.AgentK.Upstream;

namespace Plural.AgentK.Cache.Dynamic;

/// <summary>
/// Plain JSON GETs to the API server with the agent's upstream trust and (rotating) credentials: discovery, and the
/// lists and watches of kinds that have no typed KubernetesClient call (custom resources and any other resource).
/// </summary>
internal sealed class KubernetesJsonClient(IOptions<UpstreamOptions> options, UpstreamCredentials credentials) : IDisposable
{
    private readonly HttpMessageInvoker _client = UpstreamClientFactory.Create(options);
    private readonly Uri _base = new(options.Value.Url.TrimEnd('/') + "/");

    /// <summary>GETs <paramref name="pathAndQuery"/> and parses the answer; a 404 is null, any other failure throws <see cref="KubernetesRequestException"/>.</summary>
    public async Task<JsonDocument?> GetAsync(string pathAndQuery, CancellationToken ct)
    {
        using var response = await SendAsync(pathAndQuery, HttpCompletionOption.ResponseContentRead, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await ThrowUnlessSuccessAsync(response, pathAndQuery, ct);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        return await JsonDocument.ParseAsync(body, cancellationToken: ct);
    }

    /// <summary>Opens a streaming GET (a watch); the caller disposes the response.</summary>
    public async Task<HttpResponseMessage> OpenAsync(string pathAndQuery, CancellationToken ct)
    {
        var response = await SendAsync(pathAndQuery, HttpCompletionOption.ResponseHeadersRead, ct);
        try
        {
            await ThrowUnlessSuccessAsync(response, pathAndQuery, ct);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    public void Dispose() => _client.Dispose();

    private async Task<HttpResponseMessage> SendAsync(string pathAndQuery, HttpCompletionOption completion, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_base, pathAndQuery.TrimStart('/')));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Authorization = credentials.Current();
        var response = await _client.SendAsync(request, ct);
        if (completion == HttpCompletionOption.ResponseContentRead)
        {
            await response.Content.LoadIntoBufferAsync(ct);
        }

        return response;
    }

    private static async Task ThrowUnlessSuccessAsync(HttpResponseMessage response, string path, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var text = await response.Content.ReadAsStringAsync(ct);
        string? message = null;
        try
        {
            using var status = JsonDocument.Parse(text);
            message = status.RootElement.TryGetProperty("message", out var m) ? m.GetString() : null;
        }
        catch (JsonException)
        {
        }

        throw new KubernetesRequestException(response.StatusCode, $"GET {path}: HTTP {(int)response.StatusCode} {message ?? response.ReasonPhrase}");
    }
}
