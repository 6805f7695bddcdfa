using Microsoft.AspNetCore.Http;

namespace Plural.AgentK.Tests.Infrastructure;

/// <summary>Upstream behaviours several specifications share: hold a request until released, or hang until aborted.</summary>
public sealed class UpstreamProbe
{
    private readonly TaskCompletionSource _release = NewSignal();

    /// <summary>A request reached the upstream.</summary>
    public TaskCompletionSource Started { get; } = NewSignal();

    /// <summary>The upstream saw a request aborted (its <c>RequestAborted</c> fired).</summary>
    public TaskCompletionSource Aborted { get; } = NewSignal();

    public void Release() => _release.TrySetResult();

    /// <summary>Answers <paramref name="body"/> once <see cref="Release"/> is called.</summary>
    public RequestDelegate HoldUntilReleased(string body) => async context =>
    {
        Started.TrySetResult();
        await _release.Task;
        await context.Response.WriteAsync(body);
    };

    /// <summary>Sends <paramref name="firstChunk"/> if given, then waits until the request is aborted, like a watch.</summary>
    public RequestDelegate HangUntilAborted(string? firstChunk = null) => async context =>
    {
        context.RequestAborted.Register(() => Aborted.TrySetResult());
        if (firstChunk is not null)
        {
            await context.Response.WriteAsync(firstChunk);
            await context.Response.Body.FlushAsync();
        }

        Started.TrySetResult();
        await Task.Delay(Timeout.Infinite, context.RequestAborted);
    };

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
