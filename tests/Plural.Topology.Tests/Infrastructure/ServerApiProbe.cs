using Grpc.Core;
using Plural.Protocol.Server;

namespace Plural.Topology.Tests.Infrastructure;

/// <summary>
/// The main application's side of a failure: one client reading every agent in turn through <c>ServerApi</c> in a loop
/// (<c>GetAgent</c>, a page of <c>ListAgents</c>, a page of <c>ListClusterViews</c>, <c>GetClusterView</c> and the agent
/// pick of a <c>QueryFleet</c>, in turn), recording how long each call took and whether
/// it succeeded. Bounded like the load: it stops by itself after <see cref="LoadGenerator.MaxDuration"/> at the latest.
/// </summary>
internal sealed class ServerApiProbe : IAsyncDisposable
{
    /// <summary>A call slower than this counts as waiting: the main application would notice it.</summary>
    public static readonly TimeSpan Slow = TimeSpan.FromSeconds(1);

    // Calls give up after this, so a hung call shows up as a failure instead of stalling the probe.
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(20);

    private readonly ServerApi.ServerApiClient _api;
    private readonly IReadOnlyList<string> _agents;
    private readonly List<(DateTime Started, DateTime Ended, string? Error, bool Stale)> _calls = [];
    private readonly CancellationTokenSource _stop = new(LoadGenerator.MaxDuration);
    private readonly Task _running;

    // GetAgent, ListAgents, ListClusterViews, GetClusterView, QueryFleet.
    private const int Kinds = 5;

    private int _answered;

    public ServerApiProbe(ServerApi.ServerApiClient api, IReadOnlyList<string> agents)
    {
        _api = api;
        _agents = agents;
        _running = RunAsync();
    }

    /// <summary>
    /// The longest stretch, within [<paramref name="from"/>, <paramref name="to"/>], during which calls failed or took
    /// longer than <see cref="Slow"/> (bad calls less than a second apart count as one stretch), how many calls there
    /// were and how many of them were answered marked stale (from what the gateway knew while the grain did not answer).
    /// </summary>
    public (TimeSpan Window, int Calls, int Stale, IReadOnlyList<string> Bad) UnavailableWindow(DateTime from, DateTime to)
    {
        List<(DateTime Started, DateTime Ended, string? Error, bool Stale)> calls;
        lock (_calls)
        {
            calls = [.. _calls.Where(c => c.Started >= from && c.Started <= to).OrderBy(c => c.Started)];
        }

        var bad = calls.Where(c => c.Error is not null || c.Ended - c.Started > Slow).ToList();
        var longest = TimeSpan.Zero;
        DateTime? stretchStart = null;
        var stretchEnd = DateTime.MinValue;
        foreach (var call in bad)
        {
            if (stretchStart is null || call.Started - stretchEnd > TimeSpan.FromSeconds(1))
            {
                stretchStart = call.Started;
            }

            stretchEnd = call.Ended > stretchEnd ? call.Ended : stretchEnd;
            longest = stretchEnd - stretchStart.Value > longest ? stretchEnd - stretchStart.Value : longest;
        }

        return (longest, calls.Count, calls.Count(c => c.Stale), [.. bad.Select(c => $"{c.Started:HH:mm:ss.fff} took {(c.Ended - c.Started).TotalSeconds:0.0} s: {c.Error ?? "OK"}")]);
    }

    /// <summary>
    /// Waits until every kind of call has been answered for every agent (as a main application whose pages read every
    /// agent and view does): what a gateway serves while a silo is lost is what it read within
    /// <c>Gateway:GrainReads:MaxStaleness</c>.
    /// </summary>
    public async Task WaitUntilEveryAgentWasReadAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var target = Volatile.Read(ref _answered) + Kinds * _agents.Count;
        while (Volatile.Read(ref _answered) < target)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the ServerApi probe did not read every agent within {timeout.TotalSeconds} s");
            }

            await Task.Delay(50);
        }
    }

    private async Task RunAsync()
    {
        var turn = 0;
        while (!_stop.IsCancellationRequested)
        {
            var started = DateTime.UtcNow;
            string? error;
            var stale = false;
            try
            {
                // Every kind of call in turn for every agent in turn, as the main application's pages read them all.
                var name = _agents[turn / Kinds % _agents.Count];
                switch (turn++ % Kinds)
                {
                    case 0:
                        var agent = await _api.GetAgentAsync(new GetAgentRequest { Name = name }, deadline: started + CallDeadline, cancellationToken: _stop.Token);
                        stale = agent.StaleAsOf is not null;
                        break;
                    case 1:
                        var page = await _api.ListAgentsAsync(new ListAgentsRequest { PageSize = 3, PageToken = name },
                            deadline: started + CallDeadline, cancellationToken: _stop.Token);
                        stale = page.StaleAsOf is not null;
                        break;
                    case 2:
                        var views = await _api.ListClusterViewsAsync(new ListClusterViewsRequest { PageSize = 3, PageToken = name },
                            deadline: started + CallDeadline, cancellationToken: _stop.Token);
                        stale = views.StaleAsOf is not null || views.Views.Any(v => v.StaleAsOf is not null);
                        break;
                    case 3:
                        var view = await _api.GetClusterViewAsync(new GetClusterViewRequest { Name = name }, deadline: started + CallDeadline, cancellationToken: _stop.Token);
                        stale = view.StaleAsOf is not null;
                        break;
                    default:
                        // The directory's side of a fleet query: which connected agents a selector picks (none here, so
                        // that only the directory is timed, not the agents' caches).
                        var fleet = await _api.QueryFleetAsync(new QueryFleetRequest { AgentSelector = "probe=none", Query = new ClusterQuery { Kind = "pods" } },
                            deadline: started + CallDeadline, cancellationToken: _stop.Token);
                        stale = fleet.StaleAsOf is not null;
                        break;
                }

                error = null;
            }
            catch (RpcException ex) when (!_stop.IsCancellationRequested)
            {
                // The inner cause says whether the gateway refused, closed or never answered the connection.
                error = $"{ex.StatusCode}: {ex.Status.Detail}" + (ex.Status.DebugException is { } cause ? $" ({cause.GetType().Name}: {cause.Message})" : "");
            }
            catch (Exception ex) when (ex is RpcException or OperationCanceledException && _stop.IsCancellationRequested)
            {
                return;
            }

            lock (_calls)
            {
                _calls.Add((started, DateTime.UtcNow, error, stale));
            }

            if (error is null)
            {
                Interlocked.Increment(ref _answered);
            }

            try
            {
                await Task.Delay(50, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        _stop.Dispose();
    }
}
