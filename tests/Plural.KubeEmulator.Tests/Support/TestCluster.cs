using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using k8s;
using Plural.KubeEmulator;

namespace Plural.KubeEmulator.Tests.Support;

/// <summary>An emulator started for one test, with a kubeconfig, a kubectl runner and clients pointed at it.</summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly DirectoryInfo _directory;

    private TestCluster(KubeEmulatorServer server, DirectoryInfo directory)
    {
        Server = server;
        _directory = directory;
        KubeconfigPath = Path.Combine(directory.FullName, "kubeconfig");
        Kubectl = new Kubectl(KubeconfigPath, Path.Combine(directory.FullName, "cache"));
    }

    public KubeEmulatorServer Server { get; }

    public string KubeconfigPath { get; }

    public Kubectl Kubectl { get; }

    public string Directory => _directory.FullName;

    public static async Task<TestCluster> StartAsync(bool empty = true, Action<KubeEmulatorOptions>? configure = null)
    {
        var options = new KubeEmulatorOptions { Port = 0, Empty = empty, LogLineInterval = TimeSpan.FromMilliseconds(100), JobPodRunTime = TimeSpan.FromMilliseconds(300) };
        configure?.Invoke(options);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var server = await KubeEmulatorServer.StartAsync(options, timeout.Token);
        var cluster = new TestCluster(server, System.IO.Directory.CreateTempSubdirectory("kube-emulator-test-"));
        await server.WriteKubeconfigAsync(cluster.KubeconfigPath, ct: timeout.Token);
        return cluster;
    }

    /// <summary>A KubernetesClient built from the kubeconfig the emulator wrote, as a user would build it.</summary>
    public Kubernetes Client() => new(KubernetesClientConfiguration.BuildConfigFromConfigFile(KubeconfigPath));

    /// <summary>Raw HTTP access for checking status codes and bodies; trusts only the emulator's CA.</summary>
    public HttpClient Http(string? token = null, bool followRedirects = true)
    {
        var authority = X509Certificate2.CreateFromPem(Server.CertificateAuthorityPem!);
        var handler = new HttpClientHandler
        {
            AllowAutoRedirect = followRedirects,
            ServerCertificateCustomValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null) return false;
                if (errors == SslPolicyErrors.None) return true;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(authority);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(certificate);
            },
        };
        var client = new HttpClient(handler) { BaseAddress = Server.Url, Timeout = TimeSpan.FromSeconds(30) };
        if (token != "") client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token ?? Server.AdminToken);
        return client;
    }

    /// <summary>kubectl with its own kubeconfig and cache for a user who authenticates with <paramref name="token"/>.</summary>
    public async Task<Kubectl> KubectlForAsync(string token, string name)
    {
        var config = Path.Combine(Directory, $"{name}-kubeconfig");
        await Server.WriteKubeconfigAsync(config, token);
        return new Kubectl(config, Path.Combine(Directory, $"{name}-cache"));
    }

    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A kubectl cache file still being written; the temp directory is cleaned up by the OS.
        }
    }
}
