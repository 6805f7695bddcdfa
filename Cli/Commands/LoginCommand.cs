using System.CommandLine;
using Plural.Protocol.Server;

namespace Plural.Cli.Commands;

/// <summary><c>plural login</c>: checks the gateway accepts the credential, then saves the profile.</summary>
internal static class LoginCommand
{
    public static Command Create()
    {
        var gateway = new Option<string>("--gateway") { Description = "the gateway's API address (https://...:8153)", Required = true };
        var credentialFile = new Option<string>("--credential-file") { Description = "file holding your admin credential", Required = true };
        var caFile = new Option<string?>("--ca-file") { Description = "PEM file of the CA that signs the gateway's certificate, when not a public one" };
        var command = new Command("login", "Save the gateway and credential the other commands use, once the gateway accepts them.")
        {
            gateway, credentialFile, caFile,
        };
        command.SetAction(async (parsed, ct) =>
        {
            var profile = new CliProfile(parsed.GetValue(gateway)!, Path.GetFullPath(parsed.GetValue(credentialFile)!),
                parsed.GetValue(caFile) is { } ca ? Path.GetFullPath(ca) : null);
            try
            {
                if (!Uri.TryCreate(profile.Gateway, UriKind.Absolute, out var address) || address.Scheme is not ("https" or "http"))
                {
                    throw new CliException(ExitCodes.Usage, $"--gateway: '{profile.Gateway}' is not an http(s) address");
                }

                using var client = CliRun.Connect(profile);
                // Any authenticated call proves the pair; listing one agent is the cheapest.
                await client.Api.ListAgentsAsync(new ListAgentsRequest { PageSize = 1 }, cancellationToken: ct);
                var path = CliProfile.DefaultPath;
                profile.Save(path);
                await parsed.InvocationConfiguration.Output.WriteLineAsync($"logged in to {profile.Gateway}; profile saved to {path}");
                return ExitCodes.Ok;
            }
            catch (Exception ex) when (CliRun.Describe(ex) is { } failure)
            {
                await parsed.InvocationConfiguration.Error.WriteLineAsync("error: " + failure.Message);
                return failure.ExitCode;
            }
        });
        return command;
    }
}
