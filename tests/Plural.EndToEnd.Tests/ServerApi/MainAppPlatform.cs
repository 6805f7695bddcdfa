using System.Text;
using Plural.Client;
using Plural.EndToEnd.Tests.Infrastructure;
using Plural.Protocol.Server;

// Not ".ServerApi": that namespace would hide the generated ServerApi class from the other test folders.
namespace Plural.EndToEnd.Tests.MainApp;

/// <summary>
/// A silo and a gateway in production mode (every listener over TLS with a throwaway CA, a peer secret) whose
/// <c>ServerApi</c> (and, for users the main application acts for, <c>/k8s-proxy</c>) takes the main application's JWTs: two secret files (the current secret and the previous one, as
/// during a rotation) and an operator admin token. Leases are short so status changes show within seconds.
/// </summary>
public sealed class MainAppPlatform : IAsyncLifetime
{
    public const string Secret = "main-app-secret-0123456789abcdef", PreviousSecret = "previous-secret-0123456789abcdef";
    public const string AdminToken = "operator-admin-token-0123456789";
    private readonly int _orleansGatewayPort = FreePort.Next();
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("plural-main-app-");

    internal ProductProcess Silo { get; private set; } = null!;
    internal ProductProcess Gateway { get; private set; } = null!;

    public Uri AgentUrl { get; } = new($"https://127.0.0.1:{FreePort.Next()}");
    public Uri ApiUrl { get; } = new($"https://127.0.0.1:{FreePort.Next()}");

    /// <summary>The HTTP listener: the proxy routes and <c>/cable</c>, where browsers connect.</summary>
    public Uri HttpUrl { get; } = new($"https://127.0.0.1:{FreePort.Next()}");

    /// <summary>The gateway's operations listener (probes, metrics, admin calls).</summary>
    public Uri OperationsUrl { get; } = new($"https://127.0.0.1:{FreePort.Next()}");

    /// <summary>The throwaway CA clients and agents pin; it can sign a renewed gateway certificate.</summary>
    internal TestAuthority Authority { get; } = new("plural-test-ca");

    /// <summary>The CA that signed the gateway's certificate; clients and agents pin it.</summary>
    internal GatewayCertificates Certificates { get; private set; } = null!;

    public string SecretFile => Path.Combine(_directory.FullName, "server-api-secret");

    public string PreviousSecretFile => Path.Combine(_directory.FullName, "server-api-secret-previous");

    /// <summary>The operators' credentials as the gateway reads them: named hashes, among them <c>operator</c> for <see cref="AdminToken"/>.</summary>
    public string AdminTokensFile => Path.Combine(_directory.FullName, "admin-tokens");

    /// <summary>The line of <see cref="AdminTokensFile"/> that holds <see cref="AdminToken"/>.</summary>
    public static string OperatorLine => $"operator sha256:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(AdminToken)))}";

    /// <summary>The main application's client: a JWT minted from <see cref="Secret"/> on every call.</summary>
    public PluralServerClient Client { get; private set; } = null!;

    public Protocol.Server.ServerApi.ServerApiClient Api => Client.Api;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(SecretFile, Secret + "\n");
        await File.WriteAllTextAsync(PreviousSecretFile, PreviousSecret);
        await File.WriteAllTextAsync(AdminTokensFile, OperatorLine + "\n");
        Certificates = await Authority.WriteServerFilesAsync(_directory.FullName);
        var peerSecretFile = Path.Combine(_directory.FullName, "peer-secret");
        await File.WriteAllTextAsync(peerSecretFile, PlatformFixture.PeerSecret);
        Silo = ProductProcess.Start("Silo",
        [
            "--Orleans:HostGateway=false",
            $"--Orleans:SiloPort={FreePort.Next()}",
            $"--Orleans:GatewayPort={_orleansGatewayPort}",
            $"--urls=http://127.0.0.1:{FreePort.Next()}",
        ], name: "Silo (main app)");
        await Silo.WaitForOutputAsync("Application started", PlatformFixture.StartTimeout);
        Gateway = ProductProcess.Start("Gateway",
        [
            $"--Orleans:GatewayPort={_orleansGatewayPort}",
            "--Gateway:Id=gw-main-app",
            $"--Gateway:AdminTokensFile={AdminTokensFile}",
            $"--Gateway:ServerApi:JwtSecretFiles:0={SecretFile}",
            $"--Gateway:ServerApi:JwtSecretFiles:1={PreviousSecretFile}",
            // The same secret signs the main application's user tokens for /k8s-proxy; the audiences keep the two apart.
            $"--Gateway:Access:JwtSecretFiles:0={SecretFile}",
            $"--Gateway:AgentListenUrl={AgentUrl}",
            $"--Gateway:ApiListenUrl={ApiUrl}",
            $"--Gateway:HttpListenUrl={HttpUrl}",
            $"--Gateway:OperationsListenUrl={OperationsUrl}",
            $"--Gateway:TlsCertificateFile={Certificates.CertificateFile}",
            $"--Gateway:TlsKeyFile={Certificates.KeyFile}",
            $"--Gateway:Peer:SecretFile={peerSecretFile}",
            $"--Gateway:Install:GatewayCaFile={Certificates.AuthorityFile}",
            "--Gateway:Leases:TimeToLive=00:00:03",
            "--Gateway:Leases:RefreshInterval=00:00:00.500",
            "--Gateway:HeartbeatInterval=00:00:01",
            "--Gateway:Access:TokenCacheTime=00:00:00.500",
            "--Gateway:AgentAuth:RefreshAfter=00:00:00.500",
        ], name: "Gateway (main app)");
        await Gateway.WaitForOutputAsync("Application started", PlatformFixture.StartTimeout);
        Client = ClientWith();
    }

    /// <summary>
    /// Another gateway of the same cluster serving only <c>ServerApi</c> on <paramref name="apiUrl"/>, with the same
    /// secrets and certificate, for a test to kill and start again without disturbing <see cref="Gateway"/>.
    /// </summary>
    internal async Task<ProductProcess> StartApiGatewayAsync(string id, Uri apiUrl)
    {
        var gateway = ProductProcess.Start("Gateway",
        [
            $"--Orleans:GatewayPort={_orleansGatewayPort}",
            $"--Gateway:Id={id}",
            $"--Gateway:ServerApi:JwtSecretFiles:0={SecretFile}",
            $"--Gateway:AgentListenUrl=https://127.0.0.1:{FreePort.Next()}",
            $"--Gateway:ApiListenUrl={apiUrl}",
            $"--Gateway:HttpListenUrl=https://127.0.0.1:{FreePort.Next()}",
            $"--Gateway:OperationsListenUrl=https://127.0.0.1:{FreePort.Next()}",
            $"--Gateway:TlsCertificateFile={Certificates.CertificateFile}",
            $"--Gateway:TlsKeyFile={Certificates.KeyFile}",
            $"--Gateway:Peer:SecretFile={Path.Combine(_directory.FullName, "peer-secret")}",
        ], name: $"Gateway ({id})");
        await gateway.WaitForOutputAsync("Application started", PlatformFixture.StartTimeout);
        return gateway;
    }

    /// <summary>A client minting tokens with other settings, to be refused or accepted.</summary>
    public PluralServerClient ClientWith(string secret = Secret, string issuer = "plural", string audience = "plural-server-api",
        TimeSpan? lifetime = null, TimeProvider? clock = null) =>
        new(new PluralClientOptions
        {
            Address = ApiUrl,
            CertificateAuthorityFile = Certificates.AuthorityFile,
            JwtSecret = Encoding.UTF8.GetBytes(secret),
            Issuer = issuer,
            Audience = audience,
            TokenLifetime = lifetime ?? TimeSpan.FromMinutes(5),
            Clock = clock ?? TimeProvider.System,
        });

    /// <summary>A client presenting <paramref name="bearer"/> as it is (admin token, user token, garbage).</summary>
    public PluralServerClient ClientWithBearer(string bearer) => new(new PluralClientOptions { Address = ApiUrl, CertificateAuthorityFile = Certificates.AuthorityFile, AdminToken = bearer });

    internal async Task<RegisteredAgent> RegisterAgentAsync(string prefix, IDictionary<string, string>? labels = null)
    {
        var request = new RegisterAgentRequest { Name = UniqueName(prefix) };
        if (labels is not null)
        {
            request.Labels.Add(labels);
        }

        var response = await Api.RegisterAgentAsync(request);
        return new RegisteredAgent(request.Name, response.Token.TokenId, response.Token.Token);
    }

    internal static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Starts AgentK with <paramref name="token"/> and waits until its session is up.</summary>
    internal async Task<AgentProcess> StartAgentAsync(string name, string token, Uri upstream, params string[] extraArgs)
    {
        var agent = AgentProcess.Start(new RegisteredAgent(name, "", token), AgentUrl, upstream,
            [$"--Agent:GatewayCaFile={Certificates.AuthorityFile}", .. extraArgs]);
        await agent.Process.WaitForOutputAsync("Agent connected", PlatformFixture.StartTimeout);
        return agent;
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        await Gateway.DisposeAsync();
        await Silo.DisposeAsync();
        Authority.Dispose();
        _directory.Delete(recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class MainAppCollection : ICollectionFixture<MainAppPlatform>
{
    public const string Name = "main-app";
}
