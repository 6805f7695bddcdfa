using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CsCheck;
using Plural.KubeEmulator;
using Plural.Security.Tests.Infrastructure;

namespace Plural.Security.Tests.KubeEmulator;

/// <summary>
/// The emulator's request parsing (paths, label and field selectors, JSON bodies and patches) fed hostile input
/// over HTTP. Every answer is a success or a 4xx a client can act on, with a Kubernetes <c>Status</c> body for
/// API errors; nothing is a 500, and the server keeps serving afterwards.
/// </summary>
public sealed class EmulatorRequestParsingProperties : IAsyncLifetime
{
    private KubeEmulatorServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        _server = await KubeEmulatorServer.StartAsync(new KubeEmulatorOptions { Port = 0, UseTls = false }, timeout.Token);
        _http = new HttpClient { BaseAddress = _server.Url, Timeout = Fuzz.CaseTimeout };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _server.AdminToken);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Any_label_or_field_selector_is_answered_with_a_list_or_a_400()
    {
        var cases = Gen.Select(HostileRequests.Selector, Gen.OneOf("labelSelector", "fieldSelector"),
            Gen.OneOf("/api/v1/pods", "/api/v1/namespaces/default/configmaps", "/apis/apps/v1/deployments", "/api/v1/nodes"));
        await cases.SampleAsync(async (selector, parameter, path) =>
        {
            using var response = await _http.GetAsync($"{path}?{parameter}={Uri.EscapeDataString(selector)}");

            if (response.StatusCode != HttpStatusCode.OK)
            {
                await AssertStatusBodyAsync(response, HttpStatusCode.BadRequest);
            }
        }, iter: Fuzz.Iterations(600), threads: 1, print: c => $"{c.Item3}?{c.Item2}={c.Item1}");
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Any_path_is_answered_without_a_server_error()
    {
        var cases = Gen.Select(HostileRequests.Path, Gen.OneOf("GET", "DELETE", "POST", "PUT", "PATCH", "OPTIONS", "HEAD"));
        await cases.SampleAsync(async (path, method) =>
        {
            // Sent as written: no dot-segment removal or escaping by the client, as a hostile caller would.
            var uri = new Uri(_server.Url.GetLeftPart(UriPartial.Authority) + path,
                new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
            using var request = new HttpRequestMessage(new HttpMethod(method), uri);
            if (method is "POST" or "PUT" or "PATCH")
            {
                request.Content = new StringContent("{}", Encoding.UTF8, method == "PATCH" ? "application/merge-patch+json" : "application/json");
            }

            using var response = await _http.SendAsync(request);

            Assert.True((int)response.StatusCode < 500, $"{method} {path} answered {(int)response.StatusCode}");
        }, iter: Fuzz.Iterations(600), threads: 1, print: c => $"{c.Item2} {c.Item1}");
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Any_json_body_on_create_replace_or_patch_is_accepted_or_refused_with_a_status()
    {
        var contentTypes = Gen.OneOf("application/json", "application/merge-patch+json", "application/strategic-merge-patch+json",
            "application/json-patch+json", "application/apply-patch+yaml");
        var bodies = Gen.Frequency(
            (4, HostileRequests.Json(3).Select(node => node?.ToJsonString() ?? "null")),
            (1, Gen.String[0, 40]));
        var cases = Gen.Select(Gen.OneOf("POST", "PUT", "PATCH"), contentTypes, bodies);
        await cases.SampleAsync(async (method, contentType, body) =>
        {
            var path = method == "POST" ? "/api/v1/namespaces/default/configmaps" : "/api/v1/namespaces/default/configmaps/fuzz";
            using var request = new HttpRequestMessage(new HttpMethod(method), path)
            {
                Content = new StringContent(body, Encoding.UTF8),
            };
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            if (contentType.Contains("apply"))
            {
                request.RequestUri = new Uri(path + "?fieldManager=fuzz", UriKind.Relative);
            }

            using var response = await _http.SendAsync(request);

            if (!response.IsSuccessStatusCode)
            {
                await AssertStatusBodyAsync(response, null);
            }
        }, iter: Fuzz.Iterations(600), threads: 1, print: c => $"{c.Item1} {c.Item2} {c.Item3}");
        await AssertStillServingAsync();
    }

    private static async Task AssertStatusBodyAsync(HttpResponseMessage response, HttpStatusCode? expected)
    {
        var code = (int)response.StatusCode;
        Assert.True(code is >= 400 and < 500, $"answered {code}: {await response.Content.ReadAsStringAsync()}");
        if (expected is { } exact)
        {
            Assert.Equal(exact, response.StatusCode);
        }

        using var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Status", status.RootElement.GetProperty("kind").GetString());
        Assert.Equal(code, status.RootElement.GetProperty("code").GetInt32());
    }

    private async Task AssertStillServingAsync()
    {
        using var response = await _http.GetAsync("/api/v1/namespaces");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
