using System.CommandLine;
using Plural.Cli.Output;
using Plural.Protocol.Server;

namespace Plural.Cli.Commands;

/// <summary><c>plural query</c>: objects from an agent's informer cache, or from every connected agent's.</summary>
internal static class QueryCommand
{
    public static Command Create()
    {
        var kind = new Argument<string>("kind") { Description = "a cached kind (pods, deployments, ...)" };
        var agent = new Option<string?>("--agent", "-a") { Description = "the agent to ask" };
        var fleet = new Option<string?>("--fleet") { Description = "ask every connected agent whose labels match this selector (\"\" for all)" };
        var ns = new Option<string?>("--namespace", "-n") { Description = "only this namespace" };
        var selector = new Option<string?>("--selector", "-l") { Description = "label selector of the objects" };
        var fields = new Option<string?>("--field-selector") { Description = "field selector of the objects (status.phase!=Running)" };
        var count = new Option<bool>("--count") { Description = "only count the matching objects" };
        var output = CommonOptions.Output();
        var command = new Command("query", "Query the agents' caches of cluster objects without touching the API servers.")
        {
            kind, agent, fleet, ns, selector, fields, count, output,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetResult(agent) is null) == (result.GetResult(fleet) is null))
            {
                result.AddError("give exactly one of --agent and --fleet");
            }
        });
        command.SetAction((parsed, ct) => CliRun.WithProfileAsync(parsed, output, ct, async (run, ct) =>
        {
            var query = new ClusterQuery
            {
                Kind = parsed.GetValue(kind)!, Namespace = parsed.GetValue(ns) ?? "", LabelSelector = parsed.GetValue(selector) ?? "",
                FieldSelector = parsed.GetValue(fields) ?? "", CountOnly = parsed.GetValue(count),
            };
            var results = new List<(string Agent, ClusterQueryResult Result)>();
            QueryFleetResponse? answer = null;
            if (parsed.GetValue(agent) is { } name)
            {
                var result = await run.Api.QueryClusterAsync(new QueryClusterRequest { Name = name, Query = query }, cancellationToken: ct);
                if (run.Format == OutputFormat.Json)
                {
                    await Json.WriteAsync(run.Output, result);
                    return;
                }

                results.Add((name, result));
            }
            else
            {
                answer = await run.Api.QueryFleetAsync(new QueryFleetRequest { Query = query, AgentSelector = parsed.GetValue(fleet) ?? "" }, cancellationToken: ct);
                if (run.Format == OutputFormat.Json)
                {
                    await Json.WriteAsync(run.Output, answer);
                    return;
                }

                results.AddRange(answer.Results.Select(r => (r.Name, r.Result)));
            }

            await WriteAsync(run.Output, results, query.CountOnly);
            foreach (var failure in answer?.Failed ?? [])
            {
                await run.Output.WriteLineAsync($"{failure.Name}: failed ({failure.Code}): {failure.Message}");
            }

            foreach (var slow in answer?.TimedOut ?? [])
            {
                await run.Output.WriteLineAsync($"{slow}: did not answer in time");
            }
        }));
        return command;
    }

    private static async Task WriteAsync(TextWriter output, List<(string Agent, ClusterQueryResult Result)> results, bool countOnly)
    {
        if (countOnly)
        {
            var counts = new Table("AGENT", "COUNT", "COMPLETE");
            foreach (var (agent, result) in results)
            {
                counts.Add(agent, $"{result.Count}", result.Complete ? "yes" : "no");
            }

            await counts.WriteAsync(output);
            return;
        }

        var table = new Table("AGENT", "NAMESPACE", "NAME", "CREATED", "LABELS");
        foreach (var (agent, result) in results)
        {
            foreach (var item in result.Items)
            {
                table.Add(agent, Cells.Text(item.Namespace), item.Name, Cells.Time(item.CreatedAt), Cells.Labels(item.Labels));
            }
        }

        await table.WriteAsync(output);
        foreach (var (agent, result) in results.Where(r => !r.Result.Complete))
        {
            await output.WriteLineAsync($"{agent}: the answer is incomplete (the cache of {result.Kind} has not synced, or holds more than the limit)");
        }
    }
}
