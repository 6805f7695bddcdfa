namespace Plural.Gateway.Listeners;

/// <summary>Tells grain calls that did not answer from grains that answered with an error.</summary>
internal static class GrainCallFailure
{
    /// <summary>
    /// Grain calls that did not answer: timeouts, a silo that is gone or refused the message, a cancelled call. A
    /// grain's own exceptions are answers and pass through.
    /// </summary>
    public static bool IsUnavailable(Exception ex) =>
        ex is TimeoutException or OperationCanceledException or global::Orleans.Runtime.OrleansException;
}
