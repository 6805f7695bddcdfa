namespace Plural.AgentK.Observability;

/// <summary>
/// What the agent currently is: connected or not, to which gateway, with how many tunnels.
/// Written by the session and the pools, read by <c>/readyz</c>, <c>/status</c> and tests.
/// </summary>
internal sealed class AgentStatus
{
    private readonly object _gate = new();
    private bool _connected;
    private string? _gatewayId;
    private string? _agentId;
    private int _idle;
    private int _active;

    public bool IsConnected
    {
        get { lock (_gate) return _connected; }
    }

    public void Connected(string gatewayId, string agentId)
    {
        lock (_gate)
        {
            _connected = true;
            _gatewayId = gatewayId;
            _agentId = agentId;
        }
    }

    public void Disconnected()
    {
        lock (_gate) _connected = false;
    }

    /// <summary>Tunnel counts are summed over all connections, including one still draining after a reconnect.</summary>
    public void AdjustTunnels(int idleDelta, int activeDelta)
    {
        lock (_gate)
        {
            _idle += idleDelta;
            _active += activeDelta;
        }
    }

    public AgentStatusSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new AgentStatusSnapshot(_connected, _gatewayId, _agentId, _idle, _active, _idle + _active);
        }
    }
}
