using System.Net.Security;
using System.Net.Sockets;
using Plural.EndToEnd.Tests.RubyGem;
using Plural.Protocol.Server;

// Not ".ServerApi": that namespace would hide the generated ServerApi class from the other test folders.
namespace Plural.EndToEnd.Tests.MainApp;

/// <summary>
/// A gateway whose certificate files are renewed in place (as cert-manager does) serves the new certificate to new
/// connections on every listener, without a restart, while a connected agent stays connected.
/// </summary>
[Collection(MainAppCollection.Name)]
public sealed class ListenerCertificateRenewalTests(MainAppPlatform platform)
{
    [Fact]
    public async Task Renewed_certificate_files_are_served_to_new_connections_while_the_agent_stays_connected()
    {
        await using var agent = await ChangingAgent.StartAsync(platform);
        var before = await platform.Api.GetAgentAsync(new GetAgentRequest { Name = agent.Name });
        var listeners = new[] { platform.AgentUrl, platform.ApiUrl, platform.HttpUrl, platform.OperationsUrl };
        var served = await ServedSerialAsync(platform.AgentUrl);

        // Same CA, new certificate and key, written over the old files.
        await platform.Authority.WriteServerFilesAsync(Path.GetDirectoryName(platform.Certificates.CertificateFile)!);

        var renewed = await Eventually.UntilAsync(() => ServedSerialAsync(platform.AgentUrl), serial => serial != served,
            TimeSpan.FromSeconds(15), "the renewed certificate served");
        foreach (var listener in listeners)
        {
            Assert.Equal(renewed, await ServedSerialAsync(listener));
        }

        // Calls over new connections trust it (same CA), and the agent's session was never cut.
        using var fresh = platform.ClientWith();
        var after = await fresh.Api.GetAgentAsync(new GetAgentRequest { Name = agent.Name });
        Assert.True(after.Status.Connected);
        Assert.Equal(before.Status.Connections.Single().ConnectedAt, after.Status.Connections.Single().ConnectedAt);
    }

    private static async Task<string> ServedSerialAsync(Uri listener)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(listener.Host, listener.Port);
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" });
        return tls.RemoteCertificate!.GetSerialNumberString();
    }
}
