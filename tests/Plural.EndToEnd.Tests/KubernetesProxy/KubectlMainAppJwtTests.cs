using System.Text;
using System.Text.Json;
using Plural.Client;

namespace Plural.EndToEnd.Tests.KubernetesProxy;

/// <summary>
/// The main application acting for a signed-in user: kubectl with a main-application JWT (HS256) instead of a user
/// token reaches the cluster as that user; expired, wrongly signed or agentless JWTs are refused with a 401 <c>Status</c>.
/// </summary>
[Collection(KubectlPlatformCollection.Name)]
public sealed class KubectlMainAppJwtTests(KubectlPlatformFixture platform)
{
    private const string NamesNoAgents = "the token names no agents (agents: a list of agent names, or [\"*\"] for every agent)";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData("A")]
    [InlineData("B")]
    public async Task A_main_app_jwt_reaches_the_cluster_as_the_user_it_names(string gateway)
    {
        // The kubeconfig only supplies server and CA; --token replaces its user token.
        var (kubectl, _) = await platform.KubectlAsync(gateway, "placeholder", []);
        var user = "signed-in-" + gateway.ToLowerInvariant();

        var whoami = await kubectl.RunAsync(CommandTimeout, "--token", KubectlPlatformFixture.MintJwt(user), "auth", "whoami", "-o", "json");
        var pods = await kubectl.RunAsync(CommandTimeout, "--token", KubectlPlatformFixture.MintJwt(user), "get", "pods",
            "-n", KubectlPlatformFixture.Namespace, "-o", "name");

        Assert.True(whoami.ExitCode == 0, platform.Describe(whoami));
        var info = JsonDocument.Parse(whoami.Stdout).RootElement.GetProperty("status").GetProperty("userInfo");
        Assert.Equal($"plural:user:{user}", info.GetProperty("username").GetString());
        Assert.Contains("plural:user", info.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        Assert.True(pods.ExitCode == 0, platform.Describe(pods));
        Assert.Contains($"pod/{KubectlPlatformFixture.Pod}", pods.Stdout);
    }

    [Theory]
    [InlineData("A", "token expired")]
    [InlineData("B", "token expired")]
    [InlineData("A", "bad signature")]
    [InlineData("B", "bad signature")]
    [InlineData("A", NamesNoAgents)]
    public async Task An_expired_wrongly_signed_or_agentless_jwt_is_refused_with_401(string gateway, string reason)
    {
        var (kubectl, _) = await platform.KubectlAsync(gateway, "placeholder", []);
        var jwt = reason switch
        {
            // Minted ten minutes ago for five: well past the gateway's 30 s clock skew.
            "token expired" => KubectlPlatformFixture.MintJwt("late", DateTimeOffset.UtcNow.AddMinutes(-10), TimeSpan.FromMinutes(5)),
            "bad signature" => KubectlPlatformFixture.MintJwt("forger", secret: "not-the-gateways-secret-0123456789"),
            // Deny by default: a main application that forgets to name agents gets nothing, not the whole fleet.
            _ => MainAppJwt.Mint(Encoding.UTF8.GetBytes(KubectlPlatformFixture.JwtSecret), "plural", "plural-gateway", "forgetful",
                DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)),
        };
        using var client = platform.HttpClient(gateway, jwt);

        var refused = await kubectl.RunAsync(CommandTimeout, "--token", jwt, "auth", "whoami");
        using var response = await client.GetAsync($"/k8s-proxy/{platform.Agent.Name}/api/v1/namespaces/{KubectlPlatformFixture.Namespace}/pods");
        var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.True(refused.ExitCode == 1, platform.Describe(refused));
        Assert.True(refused.Stderr.Contains($"error: You must be logged in to the server ({reason})"), platform.Describe(refused));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Status", status.GetProperty("kind").GetString());
        Assert.Equal("Unauthorized", status.GetProperty("reason").GetString());
        Assert.Equal(401, status.GetProperty("code").GetInt32());
        Assert.Equal(reason, status.GetProperty("message").GetString());
    }
}
