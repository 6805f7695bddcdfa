using System.Collections.Concurrent;
using System.Diagnostics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Plural.AgentK.Leadership;
using Plural.KubeEmulator;

namespace Plural.AgentK.Tests.Leadership;

/// <summary>
/// The elector against a real (emulated) API server through KubernetesClient, with short timings (lease 3 s, renew
/// deadline 2 s, retry 0.25 s): one leader at a time, a takeover within a lease duration of the leader's last renewal,
/// and a leader that stops acting the moment it cannot be sure it still leads.
/// </summary>
public sealed class LeaderElectorTests : IAsyncLifetime
{
    private const string Namespace = "default", LeaseName = "agent-leader";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly DirectoryInfo _files = Directory.CreateTempSubdirectory("agentk-election-");
    private readonly List<(CancellationTokenSource Stop, Task Running)> _candidates = [];
    private KubeEmulatorServer _emulator = null!;
    private KubernetesClientConfiguration _config = null!;
    private IKubernetes _admin = null!;

    public async Task InitializeAsync()
    {
        _emulator = await KubeEmulatorServer.StartAsync(new KubeEmulatorOptions { Port = 0 });
        var kubeconfig = Path.Combine(_files.FullName, "admin.kubeconfig");
        await _emulator.WriteKubeconfigAsync(kubeconfig);
        _config = KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig);
        _admin = new Kubernetes(_config);
    }

    public async Task DisposeAsync()
    {
        foreach (var (stop, running) in _candidates)
        {
            await stop.CancelAsync();
            await running.WaitAsync(Timeout).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        await _emulator.DisposeAsync();
        _files.Delete(recursive: true);
    }

    private static LeaderElectionOptions Options(string identity, int leaseSeconds = 3, int renewSeconds = 2) => new()
    {
        LeaseName = LeaseName, LeaseNamespace = Namespace, Identity = identity,
        LeaseDuration = TimeSpan.FromSeconds(leaseSeconds), RenewDeadline = TimeSpan.FromSeconds(renewSeconds), RetryPeriod = TimeSpan.FromMilliseconds(250),
    };

    /// <summary>When one term began and ended (<see cref="long.MaxValue"/> while it runs), in <see cref="Stopwatch"/> ticks.</summary>
    private sealed class TermSpan(long began)
    {
        public long Began { get; } = began;

        public long Ended { get; set; } = long.MaxValue;
    }

    /// <summary>A replica: its terms, a switch that cuts it off from the API server (a partition, or a frozen process), and when its terms began and ended.</summary>
    private sealed class Candidate(string identity, LeaderTerms terms, ApiSwitch api)
    {
        public string Identity { get; } = identity;

        public LeaderTerms Terms { get; } = terms;

        public ApiSwitch Api { get; } = api;

        public ConcurrentQueue<TermSpan> Spans { get; } = new();
    }

    private sealed class ApiSwitch : DelegatingHandler
    {
        public volatile bool Cut;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Cut ? throw new HttpRequestException("cut off from the API server") : base.SendAsync(request, cancellationToken);
    }

    private Candidate Start(string identity, LeaderElectionOptions? options = null)
    {
        var api = new ApiSwitch();
        var terms = LeaderTerms.Elected(TimeProvider.System);
        var candidate = new Candidate(identity, terms, api);
        var elector = new LeaderElector(new LeaseLock(new Kubernetes(_config, api), LeaseName, Namespace), terms, options ?? Options(identity), TimeProvider.System, NullLogger.Instance);
        var stop = new CancellationTokenSource();
        _candidates.Add((stop, elector.RunAsync(stop.Token)));
        _ = RecordTermsAsync(candidate, stop.Token);
        return candidate;
    }

    private static async Task RecordTermsAsync(Candidate candidate, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            LeaderTerm term;
            try
            {
                term = await candidate.Terms.WaitAsync(stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var span = new TermSpan(Stopwatch.GetTimestamp());
            candidate.Spans.Enqueue(span);
            var ended = new TaskCompletionSource();
            using (term.Ended.Register(() =>
                   {
                       span.Ended = Stopwatch.GetTimestamp();
                       ended.TrySetResult();
                   }))
            {
                await ended.Task.WaitAsync(stop).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private CancellationTokenSource StopOf(int index) => _candidates[index].Stop;

    private async Task<V1Lease> LeaseAsync() => await _admin.CoordinationV1.ReadNamespacedLeaseAsync(LeaseName, Namespace);

    [Fact]
    public async Task Of_three_candidates_exactly_one_leads_and_the_lease_names_it()
    {
        var candidates = new[] { Start("pod-a"), Start("pod-b"), Start("pod-c") };

        await Eventually.HoldsAsync(() => candidates.Count(c => c.Terms.Current is not null) == 1, Timeout, "one leader");
        await Task.Delay(TimeSpan.FromSeconds(2));

        var leaders = candidates.Where(c => c.Terms.Current is not null).ToList();
        Assert.Single(leaders);
        Assert.Equal(1, leaders[0].Terms.Current!.Number);
        var lease = await LeaseAsync();
        Assert.Equal(leaders[0].Identity, lease.Spec.HolderIdentity);
        Assert.Equal(3, lease.Spec.LeaseDurationSeconds);
        Assert.Equal(0, lease.Spec.LeaseTransitions);
    }

    [Fact]
    public async Task A_leader_cut_off_from_the_api_server_stops_within_the_renew_deadline_before_another_takes_over()
    {
        var first = Start("pod-a");
        await Eventually.HoldsAsync(() => first.Terms.Current is not null, Timeout, "pod-a leads");
        var second = Start("pod-b");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Null(second.Terms.Current);

        var cutAt = Stopwatch.GetTimestamp();
        first.Api.Cut = true;
        await Eventually.HoldsAsync(() => second.Terms.Current is not null, Timeout, "pod-b takes over");
        var tookOver = Stopwatch.GetElapsedTime(cutAt);

        Assert.Null(first.Terms.Current);
        await Eventually.HoldsAsync(() => !second.Spans.IsEmpty, Timeout, "pod-b's term recorded");
        var firstEnded = Assert.Single(first.Spans).Ended;
        var secondBegan = second.Spans.First().Began;
        // The old leader's last renewal happened at most a retry period before the cut; it gives up at the renew
        // deadline (2 s) after it, and what keeps two leaders apart is that this comes before the lease runs out (3 s),
        // which nobody else may take it before. The bound is the lease, not the deadline: a loaded machine may run the
        // watchdog late, never the other replica early.
        Assert.True(Stopwatch.GetElapsedTime(cutAt, firstEnded) < TimeSpan.FromSeconds(3), $"pod-a acted {Stopwatch.GetElapsedTime(cutAt, firstEnded).TotalSeconds} s after the cut");
        Assert.True(firstEnded < secondBegan, "the two terms overlapped");
        Assert.True(tookOver < TimeSpan.FromSeconds(3 + 2), $"took over {tookOver.TotalSeconds} s after the cut");
        var lease = await LeaseAsync();
        Assert.Equal("pod-b", lease.Spec.HolderIdentity);
        Assert.Equal(1, lease.Spec.LeaseTransitions);
    }

    [Fact]
    public async Task A_leader_that_finds_the_lease_taken_by_another_stops_at_once()
    {
        var leader = Start("pod-a");
        await Eventually.HoldsAsync(() => leader.Terms.Current is not null, Timeout, "pod-a leads");
        var term = leader.Terms.Current!;

        var lease = await LeaseAsync();
        lease.Spec.HolderIdentity = "intruder";
        lease.Spec.RenewTime = DateTime.UtcNow;
        lease.Spec.LeaseDurationSeconds = 60;
        await _admin.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, LeaseName, Namespace);
        var taken = Stopwatch.GetTimestamp();

        await Eventually.HoldsAsync(() => term.Ended.IsCancellationRequested, Timeout, "pod-a stops leading");
        Assert.True(Stopwatch.GetElapsedTime(taken) < TimeSpan.FromSeconds(2), $"pod-a acted {Stopwatch.GetElapsedTime(taken).TotalSeconds} s after the Lease was taken");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Null(leader.Terms.Current);
        Assert.Equal("intruder", (await LeaseAsync()).Spec.HolderIdentity);
    }

    [Fact]
    public async Task A_stopping_leader_releases_the_lease_so_another_takes_it_without_waiting_for_expiry()
    {
        var first = Start("pod-a", Options("pod-a", leaseSeconds: 30, renewSeconds: 20));
        await Eventually.HoldsAsync(() => first.Terms.Current is not null, Timeout, "pod-a leads");
        var second = Start("pod-b", Options("pod-b", leaseSeconds: 30, renewSeconds: 20));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Null(second.Terms.Current);

        var stoppedAt = Stopwatch.GetTimestamp();
        await StopOf(0).CancelAsync();
        await Eventually.HoldsAsync(() => second.Terms.Current is not null, Timeout, "pod-b takes the released Lease");

        Assert.Null(first.Terms.Current);
        Assert.True(Stopwatch.GetElapsedTime(stoppedAt) < TimeSpan.FromSeconds(20), "pod-b waited for the Lease to expire");
    }

    [Fact]
    public async Task Candidates_racing_for_a_free_lease_never_lead_at_the_same_time()
    {
        var candidates = Enumerable.Range(0, 4).Select(i => Start($"pod-{i}")).ToList();
        await Eventually.HoldsAsync(() => candidates.Any(c => c.Terms.Current is not null), Timeout, "a leader");

        // Cut the leader off twice so that leadership moves, then compare every term anyone held.
        for (var round = 0; round < 2; round++)
        {
            var leader = candidates.Single(c => c.Terms.Current is not null);
            leader.Api.Cut = true;
            await Eventually.HoldsAsync(() => candidates.Any(c => c != leader && c.Terms.Current is not null), Timeout, "the next leader");
            leader.Api.Cut = false;
        }

        await Eventually.HoldsAsync(() => candidates.Sum(c => c.Spans.Count) >= 3, Timeout, "three terms recorded");
        var terms = candidates.SelectMany(c => c.Spans.Select(t => (c.Identity, t.Began, t.Ended))).OrderBy(t => t.Began).ToList();
        Assert.True(terms.Count >= 3, $"leadership moved {terms.Count - 1} times");
        for (var i = 1; i < terms.Count; i++)
        {
            Assert.True(terms[i - 1].Ended < terms[i].Began, $"{terms[i - 1].Identity} still led when {terms[i].Identity} began");
        }
    }
}
