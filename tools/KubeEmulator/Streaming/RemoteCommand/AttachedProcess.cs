namespace Plural.KubeEmulator.Streaming.RemoteCommand;

/// <summary>The attached container's main process: where its log stands, and whether its pod still runs.</summary>
/// <param name="Interval">Time between log lines.</param>
/// <param name="NextLine">Sequence number of the next log line it writes.</param>
/// <param name="IsRunning">False once the pod is deleted or no longer Running.</param>
internal sealed record AttachedProcess(TimeSpan Interval, Func<int> NextLine, Func<bool> IsRunning);
