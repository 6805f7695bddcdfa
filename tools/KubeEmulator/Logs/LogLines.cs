namespace Plural.KubeEmulator.Logs;

/// <summary>Deterministic, plausible log lines so the same pod and sequence number always read the same.</summary>
internal static class LogLines
{
    private static readonly string[] Paths = ["/healthz", "/api/items", "/api/items/42", "/metrics", "/api/orders", "/readyz"];
    private static readonly int[] Statuses = [200, 200, 200, 201, 204, 304, 404];

    public static string Render(string pod, string container, int sequence)
    {
        var hash = ((uint)sequence * 2654435761u) ^ (uint)(pod.Length * 31 + container.Length);
        var path = Paths[hash % (uint)Paths.Length];
        var status = Statuses[(hash >> 8) % (uint)Statuses.Length];
        var millis = 1 + (hash >> 16) % 250;
        return $"level=info container={container} seq={sequence} msg=\"handled request\" method=GET path={path} status={status} duration={millis}ms";
    }
}
