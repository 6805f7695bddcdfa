using Microsoft.AspNetCore.Http;

namespace Plural.Bench.H2Relay;

/// <summary>
/// A caller's request held by the gateway side until the agent side has fetched its body (if any) and posted the
/// upstream's answer. The caller's own handler waits on <see cref="Answered"/>; the agent's requests use
/// <see cref="Caller"/> meanwhile, one at a time, so the context is never used from two places at once.
/// </summary>
public sealed class ParkedCall(string id, HttpContext caller)
{
    private readonly TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The id the agent side names the call by.</summary>
    public string Id { get; } = id;

    /// <summary>The caller's request and response.</summary>
    public HttpContext Caller { get; } = caller;

    /// <summary>Completes once the answer has been written to the caller, or faults with why it could not be.</summary>
    public Task Answered => _answered.Task;

    /// <summary>The whole answer is in the caller's response.</summary>
    public void Complete() => _answered.TrySetResult();

    /// <summary>The answer could not be relayed; the caller's connection is reset.</summary>
    public void Fail(Exception error) => _answered.TrySetException(error);
}
