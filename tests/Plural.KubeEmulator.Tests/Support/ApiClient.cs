using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Plural.KubeEmulator.Tests.Support;

/// <summary>Thin JSON helpers over raw HTTP for asserting exact API behaviour.</summary>
public sealed class ApiClient(HttpClient http) : IDisposable
{
    public HttpClient Http => http;

    public async Task<JsonObject> GetAsync(string path, HttpStatusCode expected = HttpStatusCode.OK, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        return await ReadAsync(await http.SendAsync(request), expected);
    }

    public async Task<JsonObject> SendAsync(HttpMethod method, string path, string body, string contentType = "application/json", HttpStatusCode? expected = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        var response = await http.SendAsync(request);
        return await ReadAsync(response, expected ?? (method == HttpMethod.Post ? HttpStatusCode.Created : HttpStatusCode.OK));
    }

    public Task<JsonObject> PostAsync(string path, string body, HttpStatusCode expected = HttpStatusCode.Created) => SendAsync(HttpMethod.Post, path, body, expected: expected);

    public Task<JsonObject> PatchAsync(string path, string body, string contentType, HttpStatusCode expected = HttpStatusCode.OK) => SendAsync(HttpMethod.Patch, path, body, contentType, expected);

    public Task<JsonObject> DeleteAsync(string path, HttpStatusCode expected = HttpStatusCode.OK) => SendAsync(HttpMethod.Delete, path, "", expected: expected);

    private static async Task<JsonObject> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public void Dispose() => http.Dispose();
}
