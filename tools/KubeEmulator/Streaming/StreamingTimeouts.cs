namespace Plural.KubeEmulator.Streaming;

/// <summary>The time bounds of streaming sessions, from <see cref="KubeEmulatorOptions"/>.</summary>
/// <param name="StreamCreation">How long the client has to open a session's streams (exec) or a port-forward request's pair.</param>
/// <param name="KeepAlive">Ping interval; a client silent for four intervals is taken to be gone.</param>
internal sealed record StreamingTimeouts(TimeSpan StreamCreation, TimeSpan KeepAlive);
