namespace Plural.KubeEmulator.Streaming.PortForward;

/// <summary>The pod a port-forward session reaches, and whether it still runs (checked for every forwarded connection).</summary>
internal sealed record PortForwardTarget(string Namespace, string PodName, string Uid, Func<bool> IsRunning, TimeProvider Time);
