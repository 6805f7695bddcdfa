using Grpc.Core;
using Plural.Client;
using Plural.EndToEnd.Tests.Infrastructure;
using Plural.Protocol.Server;

// Not ".ServerApi": that namespace would hide the generated ServerApi class from the other test folders.
namespace Plural.EndToEnd.Tests.MainApp;

/// <summary>Who may call ServerApi: the main application with a JWT signed with the shared secret, and the operator's admin token.</summary>
[Collection(MainAppCollection.Name)]
public sealed class MainAppAuthenticationTests(MainAppPlatform platform)
{
    private static readonly ListAgentsRequest AnyCall = new() { PageSize = 1 };

    [Fact]
    public async Task A_token_signed_with_the_current_or_the_previous_secret_is_accepted()
    {
        using var previous = platform.ClientWith(MainAppPlatform.PreviousSecret);

        await platform.Api.ListAgentsAsync(AnyCall);
        await previous.Api.ListAgentsAsync(AnyCall);
    }

    [Theory]
    [InlineData("wrong-secret-0123456789abcdef", "plural", "plural-server-api", "bad signature")]
    [InlineData(MainAppPlatform.Secret, "plural", "plural-gateway", "wrong audience")]
    [InlineData(MainAppPlatform.Secret, "someone-else", "plural-server-api", "wrong issuer")]
    public async Task A_token_with_the_wrong_secret_audience_or_issuer_is_unauthenticated(string secret, string issuer, string audience, string reason)
    {
        using var client = platform.ClientWith(secret, issuer, audience);

        var refused = await Assert.ThrowsAsync<RpcException>(() => client.Api.ListAgentsAsync(AnyCall).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains(reason, refused.Status.Detail);
    }

    [Fact]
    public async Task An_expired_token_is_unauthenticated_even_within_its_signature()
    {
        // Minted ten minutes ago for five minutes: well past the gateway's 30 s clock skew.
        using var client = platform.ClientWith(clock: new ShiftedClock(TimeSpan.FromMinutes(-10)));

        var refused = await Assert.ThrowsAsync<RpcException>(() => client.Api.ListAgentsAsync(AnyCall).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains("token expired", refused.Status.Detail);
    }

    [Fact]
    public async Task A_long_lived_token_is_unauthenticated()
    {
        using var client = platform.ClientWith(lifetime: TimeSpan.FromDays(1));

        var refused = await Assert.ThrowsAsync<RpcException>(() => client.Api.ListAgentsAsync(AnyCall).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains("lifetime", refused.Status.Detail);
    }

    [Fact]
    public async Task A_call_without_a_credential_or_with_an_unknown_one_is_unauthenticated()
    {
        var bare = new Protocol.Server.ServerApi.ServerApiClient(TrustedChannel.For(platform.ApiUrl, platform.Certificates.AuthorityFile));
        using var garbage = platform.ClientWithBearer("not-a-credential");

        var none = await Assert.ThrowsAsync<RpcException>(() => bare.ListAgentsAsync(AnyCall).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => garbage.Api.ListAgentsAsync(AnyCall).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, none.StatusCode);
        Assert.Contains("no credential", none.Status.Detail);
        Assert.Equal(StatusCode.Unauthenticated, unknown.StatusCode);
    }

    [Fact]
    public async Task The_operator_admin_token_is_accepted_and_a_user_access_token_is_permission_denied()
    {
        using var admin = platform.ClientWithBearer(MainAppPlatform.AdminToken);
        await admin.Api.ListAgentsAsync(AnyCall);
        var issued = await platform.Api.IssueUserTokenAsync(new IssueUserTokenRequest { User = "alice", Agents = { "*" } });
        using var user = platform.ClientWithBearer(issued.Token);

        var refused = await Assert.ThrowsAsync<RpcException>(() => user.Api.ListAgentsAsync(AnyCall).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains("Kubernetes proxy", refused.Status.Detail);
    }

    [Fact]
    public async Task A_second_admin_credential_works_alongside_the_first_and_is_refused_within_seconds_of_its_removal()
    {
        const string Rotated = "rotated-admin-token-0123456789";
        var rotatedLine = $"rotated sha256:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Rotated)))}";
        using var rotated = platform.ClientWithBearer(Rotated);
        using var operatorClient = platform.ClientWithBearer(MainAppPlatform.AdminToken);
        try
        {
            await File.WriteAllTextAsync(platform.AdminTokensFile, MainAppPlatform.OperatorLine + "\n" + rotatedLine + "\n");
            await Eventually.UntilAsync(() => Succeeds(rotated), accepted => accepted, TimeSpan.FromSeconds(10), "the added credential accepted");
            await operatorClient.Api.ListAgentsAsync(AnyCall);

            await File.WriteAllTextAsync(platform.AdminTokensFile, MainAppPlatform.OperatorLine + "\n");
            var removedAt = DateTime.UtcNow;
            await Eventually.UntilAsync(() => Succeeds(rotated), accepted => !accepted, TimeSpan.FromSeconds(10), "the removed credential refused");

            // The gateway looks at the file at most once a second: a removal takes effect within about that.
            Assert.True(DateTime.UtcNow - removedAt < TimeSpan.FromSeconds(5), $"refused only after {DateTime.UtcNow - removedAt}");
            await operatorClient.Api.ListAgentsAsync(AnyCall);
        }
        finally
        {
            await File.WriteAllTextAsync(platform.AdminTokensFile, MainAppPlatform.OperatorLine + "\n");
        }

        static async Task<bool> Succeeds(PluralServerClient client)
        {
            try
            {
                await client.Api.ListAgentsAsync(AnyCall);
                return true;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unauthenticated)
            {
                return false;
            }
        }
    }

    [Fact]
    public async Task Streaming_calls_are_refused_the_same_way()
    {
        using var client = platform.ClientWith("wrong-secret-0123456789abcdef");
        var agent = await platform.RegisterAgentAsync("auth-watch");

        using var call = client.Api.WatchClusterEvents(new WatchClusterEventsRequest { Name = agent.Name });
        var refused = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
    }

    private sealed class ShiftedClock(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
    }
}
