using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using Plural.Grains.Git;
using Plural.Grains.GitOps;
using Plural.Grains.Streams;

namespace Plural.Grains.Tests.Git;

/// <summary>
/// A silo that polls every second and collects idle grains after a few seconds, with a real Git HTTP server and a
/// real <c>sshd</c> serving the same repositories on loopback. Over SSH, repositories whose names start with
/// <see cref="SpoofedPrefix"/> are reached with a <c>known_hosts</c> that pins another host key. Tests unwatch what
/// they watched, so no poller outlives its test.
/// </summary>
public sealed class GitClusterFixture : IAsyncLifetime
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(6);
    public static readonly TimeSpan CollectionAge = TimeSpan.FromSeconds(4);
    public const int MaxManifestFiles = 20;
    public const int MaxManifestFileBytes = 2000;
    public const int MaxManifestTotalBytes = 6000;
    public const string SpoofedPrefix = "spoofed-";

    private readonly string _cache = Directory.CreateTempSubdirectory("plural-git-cache-").FullName;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public GitRemote Remote { get; } = new();

    public GitHttpServer Server { get; private set; } = null!;

    public GitSshServer Ssh { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await GitHttpServer.StartAsync(Remote.Root);
        Ssh = await GitSshServer.StartAsync(Remote);
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorageAsDefault()
                .AddMemoryGrainStorage(StreamNames.PubSubStore)
                .AddMemoryStreams(StreamNames.Provider)
                .UseInMemoryReminderService();
            silo.Configure<GrainCollectionOptions>(o =>
            {
                o.CollectionAge = CollectionAge;
                o.CollectionQuantum = TimeSpan.FromSeconds(1);
            });
            silo.Services.AddGitPolling();
            silo.Services.Configure<GitOptions>(o =>
            {
                o.PollInterval = PollInterval;
                o.MaxBackoff = MaxBackoff;
                o.CacheDirectory = _cache;
                o.Credentials = [new GitCredential { UrlPrefix = $"{Server.Url}/{GitHttpServer.PrivatePrefix}", Username = "reader", Password = "s3cret-token" }];
                o.SshKeys =
                [
                    new GitSshKey { UrlPrefix = Ssh.UrlPrefix, PrivateKeyFile = Ssh.DeployKey, KnownHostsFile = Ssh.KnownHosts },
                    new GitSshKey { UrlPrefix = Ssh.UrlPrefix + SpoofedPrefix, PrivateKeyFile = Ssh.DeployKey, KnownHostsFile = Ssh.OtherKnownHosts },
                ];
            });
            silo.Services.Configure<GitOpsOptions>(o =>
            {
                o.MaxManifestFiles = MaxManifestFiles;
                o.MaxManifestFileBytes = MaxManifestFileBytes;
                o.MaxManifestTotalBytes = MaxManifestTotalBytes;
            });
        });
        builder.ConfigureClient(client => client.AddMemoryStreams(StreamNames.Provider));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await Server.DisposeAsync();
        await Ssh.DisposeAsync();
        Remote.Dispose();
        try
        {
            Directory.Delete(_cache, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Polls <paramref name="probe"/> until it returns a value, or fails after <paramref name="timeout"/>.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what} did not happen within {timeout}");
            }

            await Task.Delay(100);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class GitCollection : ICollectionFixture<GitClusterFixture>
{
    public const string Name = "git";
}
