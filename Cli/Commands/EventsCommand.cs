using System.CommandLine;
using Grpc.Core;
using Plural.Cli.Output;
using Plural.Protocol.Server;

namespace Plural.Cli.Commands;

/// <summary><c>plural events</c>: an agent's cluster changes as they happen, one line each, until interrupted.</summary>
internal static class EventsCommand
{
    public static Command Create()
    {
        var agent = new Argument<string>("agent") { Description = "the agent's name" };
        var after = new Option<long>("--after") { Description = "resume after this position (the first column of a line); 0 for the next change" };
        var output = CommonOptions.Output();
        var command = new Command("events", "Follow an agent's cluster events (added, modified, deleted objects) until interrupted.") { agent, after, output };
        command.SetAction((parsed, ct) => CliRun.WithProfileAsync(parsed, output, ct, async (run, ct) =>
        {
            using var call = run.Api.WatchClusterEvents(new WatchClusterEventsRequest { Name = parsed.GetValue(agent)!, AfterPosition = parsed.GetValue(after) },
                cancellationToken: ct);
            try
            {
                // The gateway answers with headers once the watch is in place: from then on no change is missed.
                await call.ResponseHeadersAsync;
                if (run.Format == OutputFormat.Table)
                {
                    await run.Output.WriteLineAsync("POSITION   OBSERVED               TYPE       KIND         NAMESPACE/NAME");
                    await run.Output.FlushAsync(ct);
                }

                await foreach (var e in call.ResponseStream.ReadAllAsync(ct))
                {
                    await (run.Format == OutputFormat.Json ? Json.WriteAsync(run.Output, e) : run.Output.WriteLineAsync(Line(e)));
                    await run.Output.FlushAsync(ct);
                }
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && ct.IsCancellationRequested)
            {
                // Interrupted by the operator: the normal end.
            }
        }));
        return command;
    }

    private static string Line(ClusterEventInfo e) => e.Gap is { } gap
        ? $"{e.Position,-10} {"",-22} {"GAP",-10} events after {gap.AfterPosition} may be missing: {gap.Reason}"
        : $"{e.Position,-10} {Cells.Time(e.ObservedAt),-22} {e.Type,-10} {e.Kind,-12} {(e.Namespace.Length == 0 ? e.Name : $"{e.Namespace}/{e.Name}")}";
}
