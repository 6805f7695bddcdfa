using Grpc.Core;
using Plural.EndToEnd.Tests.Infrastructure;
using Plural.Protocol.Server;

namespace Plural.EndToEnd.Tests.GitOps;

/// <summary>
/// The main error of each configuration and GitOps method, as the main application sees it: unknown agents are
/// NotFound naming the agent, and a bad argument is InvalidArgument naming the field, as with every other method.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ConfigurationMethodsErrorTests(PlatformFixture platform)
{
    private const string Repository = "https://git.example.com/platform/fleet.git";

    [Fact]
    public async Task Sync_status_of_an_unknown_agent_is_not_found_naming_the_agent()
    {
        var nobody = "nobody-" + Guid.NewGuid().ToString("N")[..8];

        var missing = await Assert.ThrowsAsync<RpcException>(() =>
            platform.Api.GetSyncStatusAsync(new GetSyncStatusRequest { Name = nobody }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Contains($"\"{nobody}\"", missing.Status.Detail);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Not_A_Name")]
    public async Task Configuration_calls_with_an_empty_or_malformed_agent_name_are_invalid_arguments_naming_name(string name)
    {
        var config = await Assert.ThrowsAsync<RpcException>(() =>
            platform.Api.GetAgentConfigAsync(new GetAgentConfigRequest { Name = name }).ResponseAsync);
        var sync = await Assert.ThrowsAsync<RpcException>(() =>
            platform.Api.GetSyncStatusAsync(new GetSyncStatusRequest { Name = name }).ResponseAsync);
        var source = await Assert.ThrowsAsync<RpcException>(() => platform.Api.SetAgentConfigSourceAsync(
            new SetAgentConfigSourceRequest { Name = name, Repository = Repository }).ResponseAsync);

        Assert.All(new[] { config, sync, source }, refused =>
        {
            Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
            Assert.StartsWith("name:", refused.Status.Detail);
        });
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("has space")]
    [InlineData("git.example.com/platform/fleet.git")]
    [InlineData("ftp://git.example.com/platform/fleet.git")]
    public async Task A_push_notification_without_a_git_url_is_an_invalid_argument_naming_repository(string repository)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            platform.Api.NotifyGitPushAsync(new NotifyGitPushRequest { Repository = repository }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.StartsWith("repository:", refused.Status.Detail);
    }

    [Fact]
    public async Task A_push_notification_for_a_repository_no_agent_uses_answers_no_refs()
    {
        var pushed = await platform.Api.NotifyGitPushAsync(
            new NotifyGitPushRequest { Repository = $"https://git.example.com/unused-{Guid.NewGuid():N}.git" });

        Assert.Empty(pushed.Refs);
    }

    [Fact]
    public async Task A_configuration_source_with_a_bad_repository_or_ref_is_refused_naming_that_field()
    {
        var agent = await platform.RegisterAgentAsync("gitops-source");

        var repository = await Assert.ThrowsAsync<RpcException>(() => platform.Api.SetAgentConfigSourceAsync(
            new SetAgentConfigSourceRequest { Name = agent.Name }).ResponseAsync);
        var gitRef = await Assert.ThrowsAsync<RpcException>(() => platform.Api.SetAgentConfigSourceAsync(
            new SetAgentConfigSourceRequest { Name = agent.Name, Repository = Repository, Ref = "main..next" }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, repository.StatusCode);
        Assert.StartsWith("repository:", repository.Status.Detail);
        Assert.Equal(StatusCode.InvalidArgument, gitRef.StatusCode);
        Assert.StartsWith("ref:", gitRef.Status.Detail);
    }
}
