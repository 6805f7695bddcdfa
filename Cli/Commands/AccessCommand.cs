using System.CommandLine;
using Plural.Cli.Output;
using Plural.Protocol.Server;

namespace Plural.Cli.Commands;

/// <summary><c>plural access get|set</c>: which identity an agent's cluster sees for requests through the gateway.</summary>
internal static class AccessCommand
{
    private static readonly Dictionary<string, ClusterIdentityMode> Modes = new(StringComparer.Ordinal)
    {
        ["impersonate-user"] = ClusterIdentityMode.ImpersonateUser,
        ["fixed-identity"] = ClusterIdentityMode.FixedIdentity,
        ["agent-service-account"] = ClusterIdentityMode.AgentServiceAccount,
    };

    public static Command Create() => new("access", "Show or set the identity an agent's cluster sees for requests through the gateway.")
    {
        Get(), Set(),
    };

    private static Command Get()
    {
        var agent = new Argument<string>("agent") { Description = "the agent's name" };
        var output = CommonOptions.Output();
        var command = new Command("get", "Show the agent's access mode.") { agent, output };
        command.SetAction((parsed, ct) => CliRun.WithProfileAsync(parsed, output, ct, async (run, ct) =>
            await WriteAsync(run, await run.Api.GetAgentAccessAsync(new GetAgentAccessRequest { Name = parsed.GetValue(agent)! }, cancellationToken: ct))));
        return command;
    }

    private static Command Set()
    {
        var agent = new Argument<string>("agent") { Description = "the agent's name" };
        var mode = new Option<string>("--mode")
        {
            Description = "impersonate-user (each caller as plural:user:<name>), fixed-identity (one identity for every caller) or agent-service-account",
            Required = true,
        };
        mode.AcceptOnlyFromAmong([.. Modes.Keys]);
        var user = new Option<string?>("--fixed-user") { Description = "the identity for fixed-identity" };
        var groups = new Option<string[]>("--fixed-group") { Description = "a group of the fixed identity; repeat for more" };
        var output = CommonOptions.Output();
        var command = new Command("set", "Set the agent's access mode; it applies to the next request.") { agent, mode, user, groups, output };
        command.SetAction((parsed, ct) => CliRun.WithProfileAsync(parsed, output, ct, async (run, ct) =>
        {
            var access = new AgentAccess { Name = parsed.GetValue(agent)!, Mode = Modes[parsed.GetValue(mode)!], FixedUser = parsed.GetValue(user) ?? "" };
            access.FixedGroups.AddRange(parsed.GetValue(groups) ?? []);
            await WriteAsync(run, await run.Api.SetAgentAccessAsync(new SetAgentAccessRequest { Access = access }, cancellationToken: ct));
        }));
        return command;
    }

    private static async Task WriteAsync(CliRun run, AgentAccess access)
    {
        if (run.Format == OutputFormat.Json)
        {
            await Json.WriteAsync(run.Output, access);
            return;
        }

        await run.Output.WriteLineAsync($"agent:  {access.Name}");
        await run.Output.WriteLineAsync($"mode:   {Modes.Single(m => m.Value == access.Mode).Key}");
        if (access.Mode == ClusterIdentityMode.FixedIdentity)
        {
            await run.Output.WriteLineAsync($"as:     {access.FixedUser} (groups: {Cells.Text(string.Join(',', access.FixedGroups))})");
        }
    }
}
