using Plural.AgentK.Tests.Infrastructure;

namespace Plural.AgentK.Tests.Connection;

/// <summary>
/// The agent checks the gateway's certificate before it sends its token: against the system's trust store, or only
/// against the CA pinned with <c>Agent:GatewayCaFile</c>. A refused gateway is logged once, clearly, and retried with backoff.
/// </summary>
public sealed class GatewayCertificateTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly DirectoryInfo _files = Directory.CreateTempSubdirectory("agentk-tls-");
    private readonly TestAuthority _pinned = new("plural-pinned-ca");
    private readonly TestAuthority _other = new("some-other-ca");

    [Fact(Timeout = 30_000)]
    public async Task Agent_connects_to_a_gateway_whose_certificate_the_pinned_ca_signed()
    {
        using var certificate = _pinned.IssueServerCertificate();
        await using var gateway = await FakeGateway.StartAsync(certificate: certificate);

        await using var agent = await AgentUnderTest.StartAsync(gateway, configure: PinnedCa);

        Assert.Equal(Uri.UriSchemeHttps, gateway.Address.Scheme);
        await Eventually.HoldsAsync(() => agent.Status.IsConnected, Timeout, "connected over TLS");
        Assert.Single(gateway.Sessions);
    }

    [Fact(Timeout = 30_000)]
    public async Task Agent_refuses_a_gateway_whose_certificate_another_ca_signed_than_the_pinned_one()
    {
        using var certificate = _other.IssueServerCertificate();
        await using var gateway = await FakeGateway.StartAsync(certificate: certificate);

        await using var agent = await AgentUnderTest.StartAsync(gateway, configure: PinnedCa);

        await AssertRefusedAndRetriedAsync(gateway, agent);
    }

    [Fact(Timeout = 30_000)]
    public async Task Agent_refuses_a_gateway_with_a_self_signed_certificate_under_system_trust()
    {
        using var certificate = TestAuthority.SelfSignedServerCertificate();
        await using var gateway = await FakeGateway.StartAsync(certificate: certificate);

        await using var agent = await AgentUnderTest.StartAsync(gateway);

        await AssertRefusedAndRetriedAsync(gateway, agent);
    }

    public void Dispose()
    {
        _pinned.Dispose();
        _other.Dispose();
        _files.Delete(recursive: true);
    }

    private void PinnedCa(Dictionary<string, string?> settings) =>
        settings["Agent:GatewayCaFile"] = _pinned.WritePem(Path.Combine(_files.FullName, "gateway-ca.pem"));

    private static async Task AssertRefusedAndRetriedAsync(FakeGateway gateway, AgentUnderTest agent)
    {
        await Eventually.HoldsAsync(() => gateway.TlsHandshakes >= 3, Timeout, "the agent retrying its handshake");

        // The handshake failed before any call: the gateway never saw a session or the token.
        Assert.Empty(gateway.SessionAttempts);
        Assert.False(agent.Status.IsConnected);
        var errors = agent.Logs.Entries.Where(e => e.EventId == 100).Select(e => e.Message).ToList();
        Assert.True(errors.Count == 1, string.Join('\n', errors));
        Assert.Contains("TLS certificate is not trusted", errors[0]);
        Assert.Contains("Agent:GatewayCaFile", errors[0]);

        // Backoff, not a tight loop: 50, 100, 200, 400, 400 ms ... allows about a dozen attempts in 3 s, not hundreds.
        var before = gateway.TlsHandshakes;
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.InRange(gateway.TlsHandshakes - before, 2, 40);
    }
}
