using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Plural.Gateway.Listeners;

namespace Plural.Gateway.Tests.Listeners;

/// <summary>Outside the explicit insecure switch a gateway starts only with TLS on every listener and a peer secret.</summary>
public sealed class ProductionModeOptionsTests : IDisposable
{
    private readonly DirectoryInfo _files = Directory.CreateTempSubdirectory("gateway-options-");

    public void Dispose() => _files.Delete(recursive: true);

    [Theory]
    [InlineData("AgentListenUrl", "Agent")]
    [InlineData("ApiListenUrl", "Api")]
    [InlineData("HttpListenUrl", "Http")]
    [InlineData("OperationsListenUrl", "Operations")]
    public void A_plain_text_listener_is_refused_naming_the_listener(string key, string listener)
    {
        var refused = Assert.Throws<OptionsValidationException>(() => Options(Production(), (key, "http://127.0.0.1:9000")));

        Assert.Contains($"Listener {listener} (Gateway:{key} = http://127.0.0.1:9000) is not https://", refused.Message);
        Assert.Contains("Gateway:AllowInsecure", refused.Message);
    }

    [Fact]
    public void Without_an_operations_listener_production_mode_is_refused()
    {
        var refused = Assert.Throws<OptionsValidationException>(() => Options(Production(), ("OperationsListenUrl", null)));

        Assert.Contains("Gateway:OperationsListenUrl is required unless Gateway:AllowInsecure is true", refused.Message);
    }

    [Fact]
    public void A_plain_text_private_address_for_the_peer_hop_is_refused()
    {
        var refused = Assert.Throws<OptionsValidationException>(() => Options(Production(), ("PrivateAddress", "http://10.0.0.7:8154")));

        Assert.Contains("Gateway:PrivateAddress (http://10.0.0.7:8154) is not https://", refused.Message);
    }

    [Fact]
    public void Https_listeners_without_a_certificate_are_refused()
    {
        var refused = Assert.Throws<OptionsValidationException>(() =>
            Options(Production(), ("TlsCertificateFile", null), ("TlsKeyFile", null)));

        Assert.Contains("Gateway:TlsCertificateFile and Gateway:TlsKeyFile", refused.Message);
    }

    [Fact]
    public void A_gateway_without_a_peer_secret_is_refused()
    {
        var refused = Assert.Throws<OptionsValidationException>(() => Options(Production(), ("Peer:SecretFile", null)));

        Assert.Contains("Gateway:Peer:SecretFile", refused.Message);
    }

    [Fact]
    public void A_short_peer_secret_is_refused()
    {
        var refused = Assert.Throws<OptionsValidationException>(() => Options(Production(), ("Peer:Secret", "short")));

        Assert.Contains("at least 32 bytes", refused.Message);
    }

    [Fact]
    public void A_missing_peer_secret_file_is_refused_naming_the_file()
    {
        var missing = Path.Combine(_files.FullName, "missing");

        var refused = Assert.Throws<OptionsValidationException>(() => Options(Production(), ("Peer:SecretFile", missing)));

        Assert.Contains(missing, refused.Message);
    }

    [Fact]
    public void Tls_on_every_listener_with_a_peer_secret_is_accepted()
    {
        Assert.True(Options(Production()).Peer.TokenLifetime > TimeSpan.Zero);
    }

    [Fact]
    public void The_insecure_switch_permits_plain_text_listeners_and_no_peer_secret()
    {
        var options = Options([],
            ("AllowInsecure", "true"), ("AgentListenUrl", "http://127.0.0.1:1"), ("ApiListenUrl", "http://127.0.0.1:2"), ("HttpListenUrl", "http://127.0.0.1:3"));

        Assert.True(options.AllowInsecure);
    }

    private List<(string, string?)> Production()
    {
        var certificate = Path.Combine(_files.FullName, "tls.crt");
        var key = Path.Combine(_files.FullName, "tls.key");
        var secret = Path.Combine(_files.FullName, "peer-secret");
        // Only existence is checked at this point; Kestrel reads the PEM files when it binds.
        File.WriteAllText(certificate, "certificate");
        File.WriteAllText(key, "key");
        File.WriteAllText(secret, "peer-secret-0123456789abcdef0123456789\n");
        return
        [
            ("AgentListenUrl", "https://127.0.0.1:8150"), ("ApiListenUrl", "https://127.0.0.1:8153"), ("HttpListenUrl", "https://127.0.0.1:8154"),
            ("OperationsListenUrl", "https://127.0.0.1:8155"), ("TlsCertificateFile", certificate), ("TlsKeyFile", key), ("Peer:SecretFile", secret),
        ];
    }

    private static GatewayOptions Options(List<(string Key, string? Value)> settings, params (string Key, string? Value)[] overrides)
    {
        var values = settings.ToDictionary(s => s.Key, s => s.Value);
        foreach (var (key, value) in overrides)
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => KeyValuePair.Create($"Gateway:{v.Key}", v.Value)))
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section);
        services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<GatewayOptions>>().Value;
    }
}
