namespace Plural.KubeEmulator.Prometheus;

/// <summary>A query outside the subset, reported as Prometheus reports parse errors: <c>1:5: parse error: ...</c>.</summary>
internal sealed class PromParseException(int position, string message) : Exception($"1:{position + 1}: parse error: {message}");
