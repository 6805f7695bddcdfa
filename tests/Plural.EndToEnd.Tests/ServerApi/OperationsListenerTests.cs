using System.Net;
using Plural.Protocol.Tls;

// Not ".ServerApi": that namespace would hide the generated ServerApi class from the other test folders.
namespace Plural.EndToEnd.Tests.MainApp;

/// <summary>
/// In production mode probes, metrics and admin calls live on the operations listener only: the public HTTP listener,
/// which an Ingress exposes to the internet, answers 404 for them.
/// </summary>
[Collection(MainAppCollection.Name)]
public sealed class OperationsListenerTests(MainAppPlatform platform)
{
    [Theory]
    [InlineData("GET", "/healthz")]
    [InlineData("GET", "/readyz")]
    [InlineData("GET", "/metrics")]
    [InlineData("POST", "/admin/drain")]
    public async Task Operational_endpoints_are_not_served_on_the_public_listener(string method, string path)
    {
        using var client = Client(platform.HttpUrl);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Authorization = new("Bearer", MainAppPlatform.AdminToken);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Probes_and_metrics_answer_on_the_operations_listener()
    {
        using var client = Client(platform.OperationsUrl);

        var ready = await client.GetAsync("/readyz");
        var metrics = await client.GetStringAsync("/metrics");
        var unauthorizedDrain = await client.PostAsync("/admin/drain", content: null);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("plural_gateway_", metrics);
        Assert.Matches(@"plural_build_info\{[^}]*commit=""[^""]+""[^}]*version=""\d+\.\d+\.\d+""[^}]*\} 1", metrics);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorizedDrain.StatusCode);
    }

    [Fact]
    public async Task The_public_listener_still_serves_users()
    {
        using var client = Client(platform.HttpUrl);

        using var response = await client.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private HttpClient Client(Uri address)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = CertificateTrust.CreateValidator(platform.Certificates.AuthorityFile, serverName: null);
        return new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }
}
