using Microsoft.Extensions.Options;
using Plural.Grains.Git;

namespace Plural.Grains.Tests.Git;

/// <summary>
/// Repositories over SSH against a real <c>sshd</c> on loopback: the deploy key from the server's configuration, the host
/// key pinned in a <c>known_hosts</c>, and a reason a user can act on when either is wrong.
/// </summary>
public sealed class GitOverSshTests : IAsyncLifetime
{
    private readonly GitRemote _remote = new();
    private readonly string _cache = Directory.CreateTempSubdirectory("plural-git-ssh-cache-").FullName;
    private GitSshServer _server = null!;

    public async Task InitializeAsync() => _server = await GitSshServer.StartAsync(_remote);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _remote.Dispose();
        Directory.Delete(_cache, recursive: true);
    }

    [Fact]
    public async Task A_repository_over_ssh_is_checked_and_fetched_with_its_deploy_key_even_when_the_key_file_is_world_readable()
    {
        var commit = _remote.Create("config", new Dictionary<string, string> { [".plural/agents/prod/config.yaml"] = "gitops: {}\n" });
        var git = Client(_server.DeployKey, _server.KnownHosts);
        var url = _server.RepositoryUrl("config");

        var (refName, remote) = await git.ResolveRemoteAsync(url, "main", CancellationToken.None);
        var cache = Path.Combine(_cache, "config");
        await git.FetchAsync(cache, url, refName, CancellationToken.None);
        var files = GitClient.ReadFiles(cache, remote, [".plural/agents/prod/config.yaml"], new RepositoryReadLimits(10_000, 10_000, 10));

        Assert.Equal(("refs/heads/main", commit), (refName, remote));
        Assert.Equal(("gitops: {}\n", ""), (Assert.Single(files.Files).Content, string.Join("; ", files.Errors)));
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(_server.DeployKey).HasFlag(UnixFileMode.OtherRead));

        var next = _remote.Commit("config", new Dictionary<string, string> { ["README.md"] = "two" });
        Assert.Equal(next, (await git.ResolveRemoteAsync(url, "main", CancellationToken.None)).Commit);
        await git.FetchAsync(cache, url, refName, CancellationToken.None);
        Assert.True(GitClient.HasCommit(cache, next));
    }

    [Fact]
    public async Task A_deploy_key_the_server_does_not_accept_is_refused_naming_the_key()
    {
        _remote.Create("refused", new Dictionary<string, string> { ["README.md"] = "one" });

        var failure = await Assert.ThrowsAsync<RepositoryUnavailableException>(() =>
            Client(_server.OtherKey, _server.KnownHosts).ResolveRemoteAsync(_server.RepositoryUrl("refused"), "main", CancellationToken.None));

        Assert.Contains($"the server refused the deploy key {_server.OtherKey} (Permission denied (publickey))", failure.Message);
    }

    [Fact]
    public async Task A_host_key_other_than_the_pinned_one_is_refused_before_anything_is_fetched()
    {
        _remote.Create("spoofed", new Dictionary<string, string> { ["README.md"] = "one" });
        var git = Client(_server.DeployKey, _server.OtherKnownHosts);
        var cache = Path.Combine(_cache, "spoofed");

        var check = await Assert.ThrowsAsync<RepositoryUnavailableException>(() =>
            git.ResolveRemoteAsync(_server.RepositoryUrl("spoofed"), "main", CancellationToken.None));
        var fetch = await Assert.ThrowsAsync<RepositoryUnavailableException>(() =>
            git.FetchAsync(cache, _server.RepositoryUrl("spoofed"), "refs/heads/main", CancellationToken.None));

        Assert.Contains($"the server's host key is not one pinned in {_server.OtherKnownHosts} (Host key verification failed)", check.Message);
        Assert.Contains("cannot fetch refs/heads/main", fetch.Message);
        Assert.Contains("Host key verification failed", fetch.Message);
        Assert.False(GitClient.HasCommit(cache, _remote.Commit("spoofed", new Dictionary<string, string> { ["x"] = "y" })));
    }

    [Fact]
    public async Task An_ssh_remote_without_a_configured_deploy_key_is_refused_without_falling_back_to_the_silos_own_keys()
    {
        _remote.Create("unconfigured", new Dictionary<string, string> { ["README.md"] = "one" });
        var git = new GitClient(Options.Create(new GitOptions { CacheDirectory = _cache }));

        var failure = await Assert.ThrowsAsync<RepositoryUnavailableException>(() =>
            git.ResolveRemoteAsync(_server.RepositoryUrl("unconfigured"), "main", CancellationToken.None));

        Assert.Contains("no deploy key is configured for it (Git:SshKeys", failure.Message);
    }

    [Theory]
    [InlineData("https://git.example.com/", "UrlPrefix starting with ssh://")]
    [InlineData("ssh://git@git.example.com/", "needs an existing PrivateKeyFile")]
    public void Ssh_keys_that_cannot_work_are_refused_at_start(string prefix, string problem)
    {
        var options = new GitOptions { SshKeys = [new GitSshKey { UrlPrefix = prefix, PrivateKeyFile = "/no/such/key", KnownHostsFile = "/no/such/known_hosts" }] };

        var result = new GitOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(problem, result.FailureMessage);
    }

    private GitClient Client(string key, string knownHosts) => new(Options.Create(new GitOptions
    {
        CacheDirectory = _cache,
        SshKeys = [new GitSshKey { UrlPrefix = _server.UrlPrefix, PrivateKeyFile = key, KnownHostsFile = knownHosts }],
    }));
}
