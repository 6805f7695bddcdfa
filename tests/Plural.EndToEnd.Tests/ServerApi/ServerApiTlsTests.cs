using System.Security.Authentication;
using Grpc.Core;
using Plural.Client;
using Plural.Protocol.Server;

// Not ".ServerApi": that namespace would hide the generated ServerApi class from the other test folders.
namespace Plural.EndToEnd.Tests.MainApp;

/// <summary><c>ServerApi</c> in production mode speaks only TLS, and the main application's client checks whose certificate it gets.</summary>
[Collection(MainAppCollection.Name)]
public sealed class ServerApiTlsTests(MainAppPlatform platform)
{
    [Fact]
    public async Task A_client_pinning_the_gateway_ca_is_served_over_tls()
    {
        Assert.Equal(Uri.UriSchemeHttps, platform.ApiUrl.Scheme);

        var agents = await platform.Api.ListAgentsAsync(new ListAgentsRequest());

        Assert.NotNull(agents);
    }

    [Fact]
    public async Task A_client_that_does_not_trust_the_gateway_ca_is_refused_before_sending_its_credential()
    {
        using var untrusting = new PluralServerClient(new PluralClientOptions
        {
            Address = platform.ApiUrl,
            JwtSecret = System.Text.Encoding.UTF8.GetBytes(MainAppPlatform.Secret),
        });

        var refused = await Assert.ThrowsAsync<RpcException>(() => untrusting.Api.ListAgentsAsync(new ListAgentsRequest()).ResponseAsync);

        // Unavailable or Internal depending on where the handshake failure surfaces; the cause is what matters.
        Assert.Contains(refused.StatusCode, new[] { StatusCode.Unavailable, StatusCode.Internal });
        Assert.True(Innermost(refused.Status.DebugException, e => e is AuthenticationException) is not null, refused.ToString());
    }

    [Fact]
    public async Task A_plain_text_client_gets_no_answer_from_the_tls_listener()
    {
        var plainText = new UriBuilder(platform.ApiUrl) { Scheme = Uri.UriSchemeHttp }.Uri;
        using var client = new PluralServerClient(new PluralClientOptions { Address = plainText, AdminToken = MainAppPlatform.AdminToken });

        var refused = await Assert.ThrowsAsync<RpcException>(() => client.Api.ListAgentsAsync(new ListAgentsRequest()).ResponseAsync);

        Assert.NotEqual(StatusCode.OK, refused.StatusCode);
    }

    private static Exception? Innermost(Exception? exception, Func<Exception, bool> match)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (match(exception))
            {
                return exception;
            }
        }

        return null;
    }
}
