using Microsoft.Extensions.Logging;
using Plural.AgentK.Observability;
using Plural.AgentK.Transport;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Tunnels;

/// <summary>
/// The tunnel streams of one gateway connection (agentk's connection manager): starts with the
/// minimum idle, opens a step more whenever one turns active and too few are left idle, and lets
/// workers idle for longer than the maximum idle time go while more than the minimum are idle (the quiet minimum once
/// no request has arrived for that long).
/// </summary>
internal sealed class TunnelPool
{
    private readonly object _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _aborting = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly FailureState _failures = new();
    private readonly AgentStatus _status;
    private readonly ILogger _logger;
    private int _idle;
    private int _active;
    private bool _onDemand;
    private long _lastActiveAt = Environment.TickCount64;

    public TunnelPool(
        AgentGateway.AgentGatewayClient client,
        TunnelPoolOptions options,
        ReconnectOptions reconnect,
        string? instanceId,
        GatewayCredentials credentials,
        TunnelExchange exchange,
        AgentStatus status,
        ILogger logger)
    {
        Client = client;
        Options = options;
        Reconnect = reconnect;
        InstanceId = instanceId;
        Credentials = credentials;
        Exchange = exchange;
        _status = status;
        _logger = logger;
    }

    public AgentGateway.AgentGatewayClient Client { get; }

    public TunnelPoolOptions Options { get; }

    /// <summary>Backoff of each worker between failed or idle-ended streams.</summary>
    public ReconnectOptions Reconnect { get; }

    /// <summary>The agent process announced on every stream.</summary>
    public string? InstanceId { get; }

    public GatewayCredentials Credentials { get; }

    public TunnelExchange Exchange { get; }

    /// <summary>Fires when no new streams may be opened; idle workers leave.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Fires when everything, in-flight requests included, must be cut.</summary>
    public CancellationToken Aborting => _aborting.Token;

    /// <summary>Completes once every worker has left after <see cref="StopOpening"/>.</summary>
    public Task Drained => _drained.Task;

    public (int Idle, int Active) Counts()
    {
        lock (_gate) return (_idle, _active);
    }

    /// <summary>
    /// Opens the minimum of idle streams. With <paramref name="onDemand"/> (the gateway accepted
    /// <c>tunnel.on_demand.v1</c>) a quiet pool may shrink to <see cref="TunnelPoolOptions.QuietMinIdle"/> even when
    /// that is none, since the gateway asks (<see cref="Want"/>) when a request finds no stream; an older gateway only
    /// waits for one, so a quiet pool keeps at least one for it.
    /// </summary>
    public void Start(bool onDemand)
    {
        lock (_gate)
        {
            _onDemand = onDemand;
            Spawn(Math.Min(Options.MinIdle, Options.MaxTotal));
        }
    }

    /// <summary>
    /// The gateway has a request and no stream of this pool to give it: open streams up to the minimum idle (and at
    /// least <paramref name="count"/>), and count the pool as busy again so they stay.
    /// </summary>
    public void Want(int count)
    {
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            _lastActiveAt = Environment.TickCount64;
            var missing = Math.Max(Options.MinIdle, Math.Clamp(count, 1, Options.ScaleUpStep)) - _idle;
            Spawn(Math.Clamp(missing, 0, Options.MaxTotal - _idle - _active));
        }
    }

    public void StopOpening()
    {
        lock (_gate)
        {
            _stopping.Cancel();
            CompleteIfDrained();
        }
    }

    public void Abort()
    {
        StopOpening();
        _aborting.Cancel();
    }

    public void MarkActive(TunnelWorker worker)
    {
        lock (_gate)
        {
            Move(worker, TunnelWorkerState.Active);
            _lastActiveAt = Environment.TickCount64;
            var tunnels = Options;
            if (!_stopping.IsCancellationRequested && _idle < tunnels.MinIdle)
            {
                Spawn(Math.Min(tunnels.ScaleUpStep, tunnels.MaxTotal - _idle - _active));
            }
        }
    }

    public void MarkIdle(TunnelWorker worker)
    {
        lock (_gate) Move(worker, TunnelWorkerState.Idle);
    }

    /// <summary>Lets an idle worker go when more than the minimum are idle, or more than the quiet minimum once no request came for a while.</summary>
    public bool TryRetire(TunnelWorker worker)
    {
        lock (_gate)
        {
            var quiet = Environment.TickCount64 - _lastActiveAt >= (long)Options.MaxIdleTime.TotalMilliseconds;
            var quietMin = _onDemand ? Options.QuietMinIdle : Math.Max(1, Options.QuietMinIdle);
            if (_idle <= (quiet ? quietMin : Options.MinIdle))
            {
                return false;
            }

            Move(worker, TunnelWorkerState.Gone);
            TunnelLog.Retired(_logger, _idle, _active);
            return true;
        }
    }

    public void Exited(TunnelWorker worker)
    {
        lock (_gate)
        {
            Move(worker, TunnelWorkerState.Gone);
            CompleteIfDrained();
        }
    }

    public void OpenFailed(Exception exception)
    {
        var kind = FailureState.KindOf(exception);
        if (_failures.Changed(kind))
        {
            TunnelLog.OpenFailed(_logger, FailureState.Describe(exception));
        }
    }

    public void Recovered() => _failures.Recovered();

    private void Spawn(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var worker = new TunnelWorker(this);
            _idle++;
            _status.AdjustTunnels(1, 0);
            _ = Task.Run(worker.RunAsync);
        }

        if (count > 0)
        {
            TunnelLog.ScaledUp(_logger, count, _idle, _active);
        }
    }

    private void Move(TunnelWorker worker, TunnelWorkerState to)
    {
        var from = worker.State;
        if (from == to || from == TunnelWorkerState.Gone)
        {
            return;
        }

        var idleDelta = (to == TunnelWorkerState.Idle ? 1 : 0) - (from == TunnelWorkerState.Idle ? 1 : 0);
        var activeDelta = (to == TunnelWorkerState.Active ? 1 : 0) - (from == TunnelWorkerState.Active ? 1 : 0);
        _idle += idleDelta;
        _active += activeDelta;
        _status.AdjustTunnels(idleDelta, activeDelta);
        worker.State = to;
    }

    private void CompleteIfDrained()
    {
        if (_stopping.IsCancellationRequested && _idle + _active == 0)
        {
            _drained.TrySetResult();
        }
    }
}
