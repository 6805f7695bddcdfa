using System.Net;
using k8s;
using k8s.Autorest;
using Microsoft.Extensions.Logging;
using Plural.AgentK.Transport;

namespace Plural.AgentK.Cache;

/// <summary>
/// List then watch for one kind, for as long as the agent runs: resumes each watch from the last resourceVersion
/// it saw (bookmarks keep that version current on quiet kinds), lists again when the server answers 410 Gone,
/// and backs off with jitter on any other failure, keeping what it has cached meanwhile.
/// </summary>
internal sealed class KindInformer(
    KindStore store,
    ClusterCache cache,
    IKubernetes client,
    CacheOptions options,
    CacheMeter meter,
    TimeProvider clock,
    ILogger logger)
{
    private bool _reportedTruncation;
    private readonly ProjectionContext _projection = new(options.StoreLabels, options.EventMessageLength);
    private readonly ReconnectBackoff _backoff = new(new ReconnectOptions
    {
        InitialBackoff = options.InitialBackoff,
        MaxBackoff = options.MaxBackoff,
        Factor = 2,
        Jitter = 0.5,
    });

    private int _relists;

    // The newest resourceVersion seen, kept across a watch that fails part-way so that it resumes after what it
    // already delivered rather than replaying it. Null until listed, and again after 410 Gone.
    private string? _version;

    /// <summary>How many times the kind was listed again after its first list.</summary>
    public int Relists => Volatile.Read(ref _relists);

    public async Task RunAsync(CancellationToken stopping)
    {
        var failing = false;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                _version ??= await ListAsync(stopping);
                (store.LastError, store.LastErrorStatus) = (null, 0);
                await WatchAsync(_version, stopping);
                if (failing)
                {
                    failing = false;
                    CacheLog.Recovered(logger, store.Kind.Plural);
                }

                _backoff.Reset();
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (IsGone(exception))
            {
                // The version we would resume from was compacted away: only a fresh list is complete again.
                CacheLog.Expired(logger, store.Kind.Plural, _version);
                _version = null;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                var delay = _backoff.Next();
                (store.LastError, store.LastErrorStatus) = Explain(exception);
                if (!failing)
                {
                    failing = true;
                    CacheLog.Failed(logger, store.Kind.Plural, Describe(exception), delay.TotalMilliseconds);
                }

                try
                {
                    await Task.Delay(delay, clock, stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<string> ListAsync(CancellationToken stopping)
    {
        var items = new List<CachedObject>();
        string? version = null;
        string? next = null;
        do
        {
            var page = await store.Kind.ListAsync(client, new ListRequest(Continue: next, Limit: options.ListPageSize), _projection, stopping);
            // A paged list is one snapshot as of its first page; watching from there replays anything later.
            version ??= page.ResourceVersion;
            items.AddRange(page.Items);
            next = page.Continue;
        }
        while (next is not null);

        var relist = store.Synced;
        var changes = store.Replace(items, clock.GetUtcNow());
        if (relist)
        {
            Interlocked.Increment(ref _relists);
            CacheLog.Relisted(logger, store.Kind.Plural, items.Count, changes.Count);
        }
        else
        {
            CacheLog.Synced(logger, store.Kind.Plural, items.Count);
        }

        ReportTruncation();
        cache.Publish(changes);
        return version;
    }

    /// <summary>Runs one watch to its end, keeping <see cref="_version"/> at the newest version it saw.</summary>
    private async Task WatchAsync(string version, CancellationToken stopping)
    {
        var seconds = options.WatchTimeout.TotalSeconds;
        var timeout = (int)Math.Max(1, seconds * (0.8 + 0.2 * Random.Shared.NextDouble()));
        // The server ends the watch at its timeout; this only guards against a server that never does.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        deadline.CancelAfter(TimeSpan.FromSeconds(timeout + 30));
        Exception? failure = null;
        try
        {
            await foreach (var item in store.Kind.WatchAsync(client, new ListRequest(ResourceVersion: version, TimeoutSeconds: timeout),
                               _projection, e => failure ??= e, deadline.Token))
            {
                if (item.ResourceVersion.Length > 0)
                {
                    _version = item.ResourceVersion;
                }

                if (item.Object is { } changed && store.Apply(TypeOf(item.Type), changed, clock.GetUtcNow()) is { } change)
                {
                    cache.Publish([change]);
                }

                ReportTruncation();
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            return;
        }
        catch (HttpRequestException quiet) when (quiet.InnerException is EndOfStreamException)
        {
            // KubernetesClient reads a watch's first line before it yields anything; a watch that saw no event
            // before the server ended it at its timeout surfaces as this. It is a normal end: resume.
            return;
        }

        if (failure is not null)
        {
            throw failure;
        }
    }

    /// <summary>Logs and counts the moment the kind reaches its budget, once until it is within budget again.</summary>
    private void ReportTruncation()
    {
        if (store.TruncatedBy is { } reason && !_reportedTruncation)
        {
            CacheLog.Truncated(logger, store.Kind.GroupResource, reason);
            meter.BudgetReached(store);
        }

        _reportedTruncation = store.Truncated;
    }

    private static string TypeOf(WatchEventType type) => type switch
    {
        WatchEventType.Added => CacheChange.Added,
        WatchEventType.Deleted => CacheChange.Deleted,
        _ => CacheChange.Modified,
    };

    private static bool IsGone(Exception exception) => exception switch
    {
        KubernetesException { Status.Code: (int)HttpStatusCode.Gone } => true,
        HttpOperationException { Response.StatusCode: HttpStatusCode.Gone } => true,
        Dynamic.KubernetesRequestException { Status: HttpStatusCode.Gone } => true,
        _ => false,
    };

    /// <summary>The failure as the operator reads it in the agent's conditions and in cached queries' answers.</summary>
    private (string Error, int Status) Explain(Exception exception)
    {
        var status = exception switch
        {
            HttpOperationException http => (int)http.Response.StatusCode,
            KubernetesException { Status.Code: { } code } => code,
            Dynamic.KubernetesRequestException request => (int)request.Status,
            _ => 0,
        };
        return status > 0
            ? ($"API server answered {status} ({(HttpStatusCode)status}) for {store.Kind.Plural}", status)
            : ($"{store.Kind.Plural}: {exception.GetType().Name}: {exception.Message}", 0);
    }

    private static string Describe(Exception exception) => exception switch
    {
        HttpOperationException http => $"HTTP {(int)http.Response.StatusCode} {http.Response.ReasonPhrase}",
        KubernetesException kubernetes => $"{kubernetes.Status?.Code} {kubernetes.Status?.Reason}: {kubernetes.Status?.Message}",
        _ => exception.GetType().Name + ": " + exception.Message,
    };
}
