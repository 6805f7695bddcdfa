using System.CommandLine;
using Google.Protobuf.WellKnownTypes;
using Plural.Cli.Output;
using Plural.Protocol.Server;

namespace Plural.Cli.Commands;

/// <summary><c>plural agents register|list|get|delete</c>.</summary>
internal static class AgentsCommand
{
    public static Command Create() => new("agents", "Register, list, show and delete agents.")
    {
        Register(), List(), Get(), Delete(),
    };

    private static Command Register()
    {
        var name = new Argument<string>("name") { Description = "the agent's name (a DNS label)" };
        var labels = new Option<string[]>("--label", "-l") { Description = "a label key=value; repeat for more", AllowMultipleArgumentsPerToken = false };
        var description = new Option<string?>("--description") { Description = "what the cluster is" };
        var ttl = CommonOptions.Lifetime("--token-ttl", "how long the first token works; it never expires when absent");
        var output = CommonOptions.Output();
        var command = new Command("register", "Register an agent and print its first token (shown once).") { name, labels, description, ttl, output };
        command.SetAction((parsed, ct) => CliRun.WithProfileAsync(parsed, output, ct, async (run, ct) =>
        {
            var request = new RegisterAgentRequest { Name = parsed.GetValue(name)!, Description = parsed.GetValue(description) ?? "", RequestId = Guid.NewGuid().ToString("N") };
            foreach (var label in parsed.GetValue(labels) ?? [])
            {
                var (key, value) = SplitLabel(label);
                request.Labels[key] = value;
            }

            if (parsed.GetValue(ttl) is { } lifetime)
            {
                request.TokenTtl = Duration.FromTimeSpan(lifetime);
            }

            var response = await run.Api.RegisterAgentAsync(request, cancellationToken: ct);
            if (run.Format == OutputFormat.Json)
            {
                await Json.WriteAsync(run.Output, response);
                return;
            }

            await run.Output.WriteLineAsync($"agent {response.Agent.Name} registered");
            await run.Output.WriteLineAsync($"token id: {response.Token.TokenId}");
            await run.Output.WriteLineAsync($"token:    {response.Token.Token}");
            await run.Output.WriteLineAsync("The token is shown once. Give it to the agent as Agent:TokenFile (deploy/agentk reads it from the secret agentk-token),");
            await run.Output.WriteLineAsync("or install the agent with the command below, which carries it.");
            await InstallCommand.WriteAsync(run, response.Install);
        }));
        return command;
    }

    private static Command List()
    {
        var selector = new Option<string?>("--selector", "-l") { Description = "label selector, as kubectl's (env=prod,tier!=edge)" };
        var output = CommonOptions.Output();
        var command = new Command("list", "List agents with their connection status.") { selector, output };
        command.SetAction((parsed, ct) => CliRun.WithProfileAsync(parsed, output, ct, async (run, ct) =>
        {
            var all = new ListAgentsResponse();
            var request = new ListAgentsRequest { PageSize = 1000, LabelSelector = parsed.GetValue(selector) ?? "" };
            do
            {
                var page = await run.Api.ListAgentsAsync(request, cancellationToken: ct);
                all.Agents.AddRange(page.Agents);
                request.PageToken = page.NextPageToken;
            }
            while (request.PageToken.Length > 0);

            if (run.Format == OutputFormat.Json)
            {
                await Json.WriteAsync(run.Output, all);
                return;
            }

            var table = new Table("NAME", "CONNECTED", "SINCE", "VERSION", "LABELS");
            foreach (var agent in all.Agents)
            {
                table.Add(agent.Name, agent.Status.Connected ? "yes" : "no", Cells.Time(agent.Status.Since),
                    Cells.Text(agent.Status.Connections.FirstOrDefault()?.AgentVersion), Cells.Labels(agent.Labels));
            }

            await table.WriteAsync(run.Output);
        }));
        return command;
    }

    private static Command Get()
    {
        var name = new Argument<string>("name") { Description = "the agent's name" };
        var output = CommonOptions.Output();
        var command = new Command("get", "Show one agent: labels, status, connections and tokens.") { name, output };
        command.SetAction((parsed, ct) => CliRun.WithProfileAsync(parsed, output, ct, async (run, ct) =>
        {
            var agent = await run.Api.GetAgentAsync(new GetAgentRequest { Name = parsed.GetValue(name)! }, cancellationToken: ct);
            if (run.Format == OutputFormat.Json)
            {
                await Json.WriteAsync(run.Output, agent);
                return;
            }

            await run.Output.WriteLineAsync($"name:        {agent.Name}");
            await run.Output.WriteLineAsync($"description: {Cells.Text(agent.Description)}");
            await run.Output.WriteLineAsync($"labels:      {Cells.Labels(agent.Labels)}");
            await run.Output.WriteLineAsync($"created:     {Cells.Time(agent.CreatedAt)}");
            await run.Output.WriteLineAsync($"connected:   {(agent.Status.Connected ? "yes" : "no")} since {Cells.Time(agent.Status.Since)}");
            await run.Output.WriteLineAsync($"last seen:   {Cells.Time(agent.Status.LastSeen)}");
            if (agent.Status.Connections.Count > 0)
            {
                await run.Output.WriteLineAsync();
                var connections = new Table("GATEWAY", "INSTANCE", "VERSION", "CONNECTED AT", "IDLE", "ACTIVE");
                foreach (var c in agent.Status.Connections)
                {
                    connections.Add(c.GatewayId, c.InstanceId, Cells.Text(c.AgentVersion), Cells.Time(c.ConnectedAt), $"{c.IdleTunnels}", $"{c.ActiveTunnels}");
                }

                await connections.WriteAsync(run.Output);
                if (agent.Status.Connections.Any(c => c.Conditions.Count > 0))
                {
                    await run.Output.WriteLineAsync();
                    var conditions = new Table("INSTANCE", "CONDITION", "OK", "MESSAGE");
                    foreach (var c in agent.Status.Connections)
                    {
                        foreach (var condition in c.Conditions)
                        {
                            conditions.Add(c.InstanceId, condition.Type, condition.Ok ? "yes" : "no", Cells.Text(condition.Message));
                        }
                    }

                    await conditions.WriteAsync(run.Output);
                }
            }

            await run.Output.WriteLineAsync();
            await TokensCommand.WriteTableAsync(run.Output, agent.Tokens);
        }));
        return command;
    }

    private static Command Delete()
    {
        var name = new Argument<string>("name") { Description = "the agent's name" };
        var command = new Command("delete", "Delete an agent: its tokens stop working and its connections end.") { name };
        command.SetAction((parsed, ct) => CliRun.WithProfileAsync(parsed, null, ct, async (run, ct) =>
        {
            await run.Api.DeleteAgentAsync(new DeleteAgentRequest { Name = parsed.GetValue(name)! }, cancellationToken: ct);
            await run.Output.WriteLineAsync($"agent {parsed.GetValue(name)} deleted");
        }));
        return command;
    }

    private static (string Key, string Value) SplitLabel(string label) =>
        label.IndexOf('=') is var at and > 0 ? (label[..at], label[(at + 1)..])
        : throw new CliException(ExitCodes.Usage, $"--label: '{label}' is not key=value");
}
