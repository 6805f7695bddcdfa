using System.CommandLine;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Plural.Cli.Output;
using Plural.Protocol.Server;

namespace Plural.Cli.Commands;

/// <summary><c>plural audit</c>: who reached which cluster, as what, and what happened.</summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var agent = new Option<string>("--agent") { Description = "the agent whose records to read", Required = true };
        var user = new Option<string?>("--user") { Description = "only this caller" };
        var verb = new Option<string?>("--verb") { Description = "only this Kubernetes verb (get, list, create, ...)" };
        var since = CommonOptions.Lifetime("--since", "only records this recent");
        var limit = new Option<int>("--limit") { Description = "at most this many records, newest last", DefaultValueFactory = _ => 100 };
        var output = CommonOptions.Output();
        var command = new Command("audit", "List an agent's audit records.") { agent, user, verb, since, limit, output };
        command.SetAction((parsed, ct) => CliRun.WithProfileAsync(parsed, output, ct, async (run, ct) =>
        {
            var request = new ListAuditEventsRequest
            {
                Agent = parsed.GetValue(agent)!, User = parsed.GetValue(user) ?? "", Verb = parsed.GetValue(verb) ?? "", PageSize = Math.Max(parsed.GetValue(limit), 0),
            };
            if (parsed.GetValue(since) is { } window)
            {
                request.Since = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow - window);
            }

            var response = await run.Api.ListAuditEventsAsync(request, cancellationToken: ct);
            if (run.Format == OutputFormat.Json)
            {
                await Json.WriteAsync(run.Output, response);
                return;
            }

            var table = new Table("TIME", "USER", "AS", "VERB", "RESOURCE", "NAMESPACE", "NAME", "STATUS", "MS");
            foreach (var e in response.Events)
            {
                var resource = e.Resource.Length == 0 ? e.NonResourcePath : e.Subresource.Length == 0 ? e.Resource : $"{e.Resource}/{e.Subresource}";
                table.Add(Cells.Time(e.Time), e.User, Cells.Text(e.ClusterIdentity?.User), e.Verb, Cells.Text(resource), Cells.Text(e.Namespace),
                    Cells.Text(e.Name), e.Status.ToString(CultureInfo.InvariantCulture), e.DurationMs.ToString("0", CultureInfo.InvariantCulture));
            }

            await table.WriteAsync(run.Output);
        }));
        return command;
    }
}
