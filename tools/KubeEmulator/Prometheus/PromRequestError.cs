namespace Plural.KubeEmulator.Prometheus;

/// <summary>A request Prometheus refuses with <c>{"status":"error","errorType":"bad_data","error":...}</c> and 400.</summary>
internal sealed class PromRequestError(string message) : Exception(message)
{
    public static PromRequestError InvalidParameter(string name, string why) => new($"invalid parameter \"{name}\": {why}");
}
