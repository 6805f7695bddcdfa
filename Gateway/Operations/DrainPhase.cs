namespace Plural.Gateway.Operations;

/// <summary>Where a gateway is in its drain.</summary>
internal enum DrainPhase
{
    /// <summary>Serving normally.</summary>
    Serving,

    /// <summary>Not ready: no new agent sessions; connected agents may still open tunnels.</summary>
    Announced,

    /// <summary>Agents were told to reconnect elsewhere: no new agent streams at all.</summary>
    HandingOver,

    /// <summary>The drain finished; the process is exiting.</summary>
    Done,
}
