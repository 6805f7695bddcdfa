using System.CommandLine;
using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;
using Plural.Cli.Output;
using Plural.Protocol.Server;

namespace Plural.Cli.Commands;

/// <summary><c>plural tokens create|list|revoke</c>: an agent's tokens, for rotation.</summary>
internal static class TokensCommand
{
    public static Command Create() => new("tokens", "Create, list and revoke an agent's tokens.")
    {
        New(), List(), Revoke(),
    };

    /// <summary>An agent's tokens as a table.</summary>
    public static Task WriteTableAsync(TextWriter output, RepeatedField<AgentTokenInfo> tokens)
    {
        var table = new Table("TOKEN ID", "CREATED", "EXPIRES", "REVOKED", "DESCRIPTION");
        foreach (var t in tokens)
        {
            table.Add(t.TokenId, Cells.Time(t.CreatedAt), Cells.Time(t.ExpiresAt), Cells.Time(t.RevokedAt), Cells.Text(t.Description));
        }

        return table.WriteAsync(output);
    }

    private static Command New()
    {
        var agent = new Argument<string>("agent") { Description = "the agent's name" };
        var description = new Option<string?>("--description") { Description = "what the token is for" };
        var ttl = CommonOptions.Lifetime("--ttl", "how long the token works; it never expires when absent");
        var output = CommonOptions.Output();
        var command = new Command("create", "Create another token for an agent (shown once); the old ones keep working until revoked.")
        {
            agent, description, ttl, output,
        };
        command.SetAction((parsed, ct) => CliRun.WithProfileAsync(parsed, output, ct, async (run, ct) =>
        {
            var request = new CreateAgentTokenRequest { Name = parsed.GetValue(agent)!, Description = parsed.GetValue(description) ?? "", RequestId = Guid.NewGuid().ToString("N") };
            if (parsed.GetValue(ttl) is { } lifetime)
            {
                request.Ttl = Duration.FromTimeSpan(lifetime);
            }

            var response = await run.Api.CreateAgentTokenAsync(request, cancellationToken: ct);
            if (run.Format == OutputFormat.Json)
            {
                await Json.WriteAsync(run.Output, response);
                return;
            }

            await run.Output.WriteLineAsync($"token id: {response.Token.TokenId}");
            await run.Output.WriteLineAsync($"token:    {response.Token.Token}");
            await run.Output.WriteLineAsync($"expires:  {Cells.Time(response.Token.ExpiresAt)}");
        }));
        return command;
    }

    private static Command List()
    {
        var agent = new Argument<string>("agent") { Description = "the agent's name" };
        var output = CommonOptions.Output();
        var command = new Command("list", "List an agent's tokens (never their secrets).") { agent, output };
        command.SetAction((parsed, ct) => CliRun.WithProfileAsync(parsed, output, ct, async (run, ct) =>
        {
            var response = await run.Api.ListAgentTokensAsync(new ListAgentTokensRequest { Name = parsed.GetValue(agent)! }, cancellationToken: ct);
            await (run.Format == OutputFormat.Json ? Json.WriteAsync(run.Output, response) : WriteTableAsync(run.Output, response.Tokens));
        }));
        return command;
    }

    private static Command Revoke()
    {
        var agent = new Argument<string>("agent") { Description = "the agent's name" };
        var tokenId = new Argument<string>("token-id") { Description = "the token's id, as tokens list shows it" };
        var command = new Command("revoke", "Revoke a token: connections made with it end.") { agent, tokenId };
        command.SetAction((parsed, ct) => CliRun.WithProfileAsync(parsed, null, ct, async (run, ct) =>
        {
            await run.Api.RevokeAgentTokenAsync(new RevokeAgentTokenRequest { Name = parsed.GetValue(agent)!, TokenId = parsed.GetValue(tokenId)! }, cancellationToken: ct);
            await run.Output.WriteLineAsync($"token {parsed.GetValue(tokenId)} of agent {parsed.GetValue(agent)} revoked");
        }));
        return command;
    }
}
