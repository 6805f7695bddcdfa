using Microsoft.AspNetCore.Http.Features;

namespace Plural.Gateway.Proxy;

/// <summary>
/// The total and idle timeouts of a proxied request that is not a stream. It stands in for the caller going away:
/// <see cref="HttpContext.RequestAborted"/> is replaced by a token that also fires at the deadline, so the tunnel
/// exchange cancels the agent's request exactly as when a caller leaves. Idle time counts from the last body byte
/// either way (the request's <see cref="ObservedStream"/>s) or the response head, whichever came last.
/// </summary>
internal sealed class RequestDeadline : IDisposable
{
    private static readonly HashSet<string> StreamingSubresources = new(StringComparer.Ordinal) { "exec", "attach", "portforward", "proxy" };

    private readonly ProxyContext _context;
    private readonly TimeProvider _clock;
    private readonly CancellationTokenSource _aborted;
    private readonly CancellationToken _callerAborted;
    private readonly ITimer _timer;
    private readonly TimeSpan _total;
    private readonly TimeSpan _idle;
    private readonly long _start;
    private long _responseStarted;

    private RequestDeadline(ProxyContext context, TimeSpan total, TimeSpan idle, TimeProvider clock)
    {
        _context = context;
        _clock = clock;
        _total = total;
        _idle = idle;
        _start = _responseStarted = clock.GetTimestamp();
        var http = context.Http;
        _callerAborted = http.RequestAborted;
        _aborted = CancellationTokenSource.CreateLinkedTokenSource(_callerAborted);
        http.RequestAborted = _aborted.Token;
        http.Response.OnStarting(() =>
        {
            Volatile.Write(ref _responseStarted, _clock.GetTimestamp());
            return Task.CompletedTask;
        });
        var check = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond * 100, Math.Min(total.Ticks, idle.Ticks) / 4));
        _timer = clock.CreateTimer(_ => Check(), null, check, check);
    }

    /// <summary>Why the request was stopped: "" while it was not.</summary>
    public string Expired { get; private set; } = "";

    /// <summary>Starts the timeouts for a request that is not a stream; null for watches, follows and upgrades.</summary>
    public static RequestDeadline? Start(ProxyContext context, TimeSpan total, TimeSpan idle, TimeProvider clock)
    {
        var http = context.Http;
        var request = context.KubernetesRequest;
        var streams = request.Verb == "watch"
            || StreamingSubresources.Contains(request.Subresource)
            || http.Request.Query["follow"].FirstOrDefault() is "true" or "1"
            || http.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true }
            || http.Request.Protocol == "HTTP/2" && http.Request.Method == HttpMethods.Connect;
        return streams ? null : new RequestDeadline(context, total, idle, clock);
    }

    public void Dispose()
    {
        _timer.Dispose();
        _context.Http.RequestAborted = _callerAborted;
        _aborted.Dispose();
    }

    private long LastActivity() =>
        Math.Max(Math.Max(_start, Volatile.Read(ref _responseStarted)), Math.Max(_context.RequestBody.LastActivity, _context.ResponseBody.LastActivity));

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
        else if (_clock.GetElapsedTime(LastActivity(), now) >= _idle)
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
