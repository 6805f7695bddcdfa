using Microsoft.AspNetCore.Http.Features;
using Plural.Grains.Audit;

namespace Plural.Gateway.Proxy;

/// <summary>
/// The total and idle timeouts of a proxied request that is not a stream. It stands in for the caller going away:
/// <see cref="HttpContext.RequestAborted"/> is replaced by a token that also fires at the deadline, so the tunnel
/// exchange cancels the agent's request exactly as when a caller leaves; the endpoint then answers 504 if it can.
/// </summary>
internal sealed class RequestDeadline : IDisposable
{
    private static readonly HashSet<string> StreamingSubresources = new(StringComparer.Ordinal) { "exec", "attach", "portforward", "proxy" };

    private readonly HttpContext _context;
    private readonly TimeProvider _clock;
    private readonly CancellationTokenSource _aborted;
    private readonly CancellationToken _callerAborted;
    private readonly IHttpResponseBodyFeature _originalResponseBody;
    private readonly Stream _originalRequestBody;
    private readonly ITimer _timer;
    private readonly TimeSpan _total;
    private readonly TimeSpan _idle;
    private readonly long _start;
    private long _lastActivity;

    private RequestDeadline(HttpContext context, TimeSpan total, TimeSpan idle, TimeProvider clock)
    {
        _context = context;
        _clock = clock;
        _total = total;
        _idle = idle;
        _start = _lastActivity = clock.GetTimestamp();
        _callerAborted = context.RequestAborted;
        _aborted = CancellationTokenSource.CreateLinkedTokenSource(_callerAborted);
        context.RequestAborted = _aborted.Token;
        _originalRequestBody = context.Request.Body;
        context.Request.Body = new ActivityStream(_originalRequestBody, Touch);
        _originalResponseBody = context.Features.Get<IHttpResponseBodyFeature>()!;
        context.Features.Set<IHttpResponseBodyFeature>(
            new StreamResponseBodyFeature(new ActivityStream(_originalResponseBody.Stream, Touch), _originalResponseBody));
        context.Response.OnStarting(() =>
        {
            Touch();
            return Task.CompletedTask;
        });
        var check = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond * 100, Math.Min(total.Ticks, idle.Ticks) / 4));
        _timer = clock.CreateTimer(_ => Check(), null, check, check);
    }

    /// <summary>Why the request was stopped: "" while it was not.</summary>
    public string Expired { get; private set; } = "";

    /// <summary>Starts the timeouts for a request that is not a stream; null for watches, follows and upgrades.</summary>
    public static RequestDeadline? Start(HttpContext context, KubernetesRequest request, TimeSpan total, TimeSpan idle, TimeProvider clock)
    {
        var streams = request.Verb == "watch"
            || StreamingSubresources.Contains(request.Subresource)
            || context.Request.Query["follow"].FirstOrDefault() is "true" or "1"
            || context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true }
            || context.Request.Protocol == "HTTP/2" && context.Request.Method == HttpMethods.Connect;
        return streams ? null : new RequestDeadline(context, total, idle, clock);
    }

    public void Dispose()
    {
        _timer.Dispose();
        _context.RequestAborted = _callerAborted;
        _context.Request.Body = _originalRequestBody;
        _context.Features.Set(_originalResponseBody);
        _aborted.Dispose();
    }

    private void Touch() => Volatile.Write(ref _lastActivity, _clock.GetTimestamp());

    private void Check()
    {
        if (Expired.Length > 0)
        {
            return;
        }

        var now = _clock.GetTimestamp();
        if (_clock.GetElapsedTime(_start, now) >= _total)
        {
            Expired = $"the request took longer than {_total.TotalSeconds:0.#}s";
        }
        else if (_clock.GetElapsedTime(Volatile.Read(ref _lastActivity), now) >= _idle)
        {
            Expired = $"no data moved for {_idle.TotalSeconds:0.#}s";
        }
        else
        {
            return;
        }

        try
        {
            _aborted.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
