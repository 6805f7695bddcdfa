using System.Text.Json;
using Plural.EndToEnd.Tests.Infrastructure;
using Plural.KubeEmulator;
using Plural.Protocol.Server;

namespace Plural.EndToEnd.Tests.KubernetesProxy;

/// <summary>
/// The identity the cluster sees under each of the agent's access modes, as <c>kubectl auth whoami</c> reports it
/// through the tunnel, and whether <c>kubectl --as</c> is allowed.
/// </summary>
[Collection(KubectlPlatformCollection.Name)]
public sealed class KubectlIdentityModeTests(KubectlPlatformFixture platform)
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    /// <summary>Past the gateways' policy cache time (0.5 s in this fixture).</summary>
    private static readonly TimeSpan PolicyCacheWait = TimeSpan.FromSeconds(1.5);

    [Fact]
    public async Task In_fixed_identity_mode_the_cluster_sees_the_fixed_user_and_groups_whoever_calls()
    {
        await WithAccessAsync(new AgentAccess
        {
            Mode = ClusterIdentityMode.FixedIdentity,
            FixedUser = "deploy-bot",
            FixedGroups = { "deployers", "auditors" },
        }, async () =>
        {
            var (kubectl, _) = await platform.KubectlAsync("B", "fixed-caller", ["team-x"]);

            var (user, groups) = await WhoamiAsync(kubectl);
            var asOther = await kubectl.RunAsync(CommandTimeout, "auth", "whoami", "--as=someone-else");

            Assert.Equal("deploy-bot", user);
            Assert.Contains("deployers", groups);
            Assert.Contains("auditors", groups);
            Assert.DoesNotContain("team-x", groups);
            Assert.DoesNotContain("plural:user", groups);
            AssertRefusedImpersonation(asOther);
        });
    }

    [Fact]
    public async Task In_service_account_mode_the_cluster_sees_the_agents_service_account_and_callers_may_impersonate()
    {
        await WithAccessAsync(new AgentAccess { Mode = ClusterIdentityMode.AgentServiceAccount }, async () =>
        {
            var (kubectl, _) = await platform.KubectlAsync("B", "sa-caller", ["team-y"]);

            var (user, groups) = await WhoamiAsync(kubectl);
            var (asUser, asGroups) = await WhoamiAsync(kubectl, "--as=jane", "--as-group=developers");

            Assert.Equal(KubeEmulatorOptions.AgentUserName, user);
            Assert.DoesNotContain("team-y", groups);
            Assert.Equal("jane", asUser);
            Assert.Contains("developers", asGroups);
        });
    }

    [Theory]
    [InlineData("A")]
    [InlineData("B")]
    public async Task In_user_mode_kubectl_as_is_refused_with_400(string gateway)
    {
        var (kubectl, _) = await platform.KubectlAsync(gateway, "escalator", []);

        var asOther = await kubectl.RunAsync(CommandTimeout, "auth", "whoami", "--as=system:admin");
        var asGroup = await kubectl.RunAsync(CommandTimeout, "auth", "whoami", "--as=escalator", "--as-group=system:masters");

        AssertRefusedImpersonation(asOther);
        AssertRefusedImpersonation(asGroup);
    }

    private void AssertRefusedImpersonation(KubectlResult result)
    {
        Assert.True(result.ExitCode == 1, platform.Describe(result));
        Assert.True(result.Stderr.Contains(
            $"Error from server (BadRequest): agent \"{platform.Agent.Name}\" chooses the identity itself"), platform.Describe(result));
        Assert.Equal("", result.Stdout);
    }

    /// <summary>Runs <paramref name="body"/> with the agent's access set to <paramref name="access"/>, then restores the default.</summary>
    private async Task WithAccessAsync(AgentAccess access, Func<Task> body)
    {
        access.Name = platform.Agent.Name;
        await platform.Gateway("A").Api.SetAgentAccessAsync(new SetAgentAccessRequest { Access = access });
        await Task.Delay(PolicyCacheWait);
        try
        {
            await body();
        }
        finally
        {
            await platform.Gateway("A").Api.SetAgentAccessAsync(new SetAgentAccessRequest
            {
                Access = new AgentAccess { Name = platform.Agent.Name, Mode = ClusterIdentityMode.ImpersonateUser },
            });
            await Task.Delay(PolicyCacheWait);
        }
    }

    private async Task<(string User, List<string> Groups)> WhoamiAsync(Kubectl kubectl, params string[] flags)
    {
        var result = await kubectl.RunAsync(CommandTimeout, ["auth", "whoami", "-o", "json", .. flags]);
        Assert.True(result.ExitCode == 0, platform.Describe(result));
        var info = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("status").GetProperty("userInfo");
        return (info.GetProperty("username").GetString()!, [.. info.GetProperty("groups").EnumerateArray().Select(g => g.GetString()!)]);
    }
}
