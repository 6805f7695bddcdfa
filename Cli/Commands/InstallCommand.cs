using System.CommandLine;
using Google.Protobuf.WellKnownTypes;
using Plural.Cli.Output;
using Plural.Protocol.Server;

namespace Plural.Cli.Commands;

/// <summary><c>plural install &lt;agent&gt;</c>: a new token for the agent and the one command that installs it in a cluster.</summary>
internal static class InstallCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("agent") { Description = "the registered agent to install" };
        var ttl = CommonOptions.Lifetime("--token-ttl", "how long the installed agent's token works; it never expires when absent");
        var output = CommonOptions.Output();
        var command = new Command("install", "Print a one-time kubectl command that installs the agent (with a new token) in a cluster.") { name, ttl, output };
        command.SetAction((parsed, ct) => CliRun.WithProfileAsync(parsed, output, ct, async (run, ct) =>
        {
            var request = new CreateAgentInstallRequest { Name = parsed.GetValue(name)!, RequestId = Guid.NewGuid().ToString("N") };
            if (parsed.GetValue(ttl) is { } lifetime)
            {
                request.TokenTtl = Duration.FromTimeSpan(lifetime);
            }

            var response = await run.Api.CreateAgentInstallAsync(request, cancellationToken: ct);
            if (run.Format == OutputFormat.Json)
            {
                await Json.WriteAsync(run.Output, response);
                return;
            }

            await run.Output.WriteLineAsync($"token id: {response.TokenId}");
            await WriteAsync(run, response.Install);
        }));
        return command;
    }

    /// <summary>The install command, when it works until, and how to trust a private CA on the way.</summary>
    public static async Task WriteAsync(CliRun run, AgentInstall? install)
    {
        if (install is null || install.Command.Length == 0)
        {
            return;
        }

        await run.Output.WriteLineAsync();
        await run.Output.WriteLineAsync($"Install it in the cluster kubectl points at (works once, until {Cells.Time(install.ExpiresAt)}):");
        await run.Output.WriteLineAsync();
        await run.Output.WriteLineAsync("  " + install.Command);
        if (run.Profile.CaFile is { Length: > 0 } ca)
        {
            // kubectl fetches the link with the system's roots; a private CA has to be named to it.
            await run.Output.WriteLineAsync();
            await run.Output.WriteLineAsync($"The gateway's certificate is signed by a private CA: prefix the command with SSL_CERT_FILE={Path.GetFullPath(ca)}");
        }
    }
}
