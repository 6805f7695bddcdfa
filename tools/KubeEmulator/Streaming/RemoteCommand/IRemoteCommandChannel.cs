namespace Plural.KubeEmulator.Streaming.RemoteCommand;

/// <summary>
/// The standard streams of an exec or attach session as one transport (WebSocket channels or SPDY
/// streams) carries them. Streams the client did not ask for are null.
/// </summary>
internal interface IRemoteCommandChannel : IAsyncDisposable
{
    Stream? Stdin { get; }

    Stream? Stdout { get; }

    Stream? Stderr { get; }

    /// <summary>Cancelled when the client hangs up or the connection breaks.</summary>
    CancellationToken ClientGone { get; }

    /// <summary>Reports how the process ended on the error channel, in the format the negotiated protocol uses.</summary>
    Task WriteStatusAsync(ExitStatus status, CancellationToken cancellationToken);

    /// <summary>Ends the output streams and waits (bounded) for the client to hang up after reading everything.</summary>
    Task FinishAsync(CancellationToken cancellationToken);
}
