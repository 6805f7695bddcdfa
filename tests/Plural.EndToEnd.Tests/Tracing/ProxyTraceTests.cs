using System.Net;
using k8s;
using System.Security.Cryptography;
using Plural.EndToEnd.Tests.KubernetesProxy;
using Plural.Testing.Otlp;

namespace Plural.EndToEnd.Tests.Tracing;

/// <summary>
/// The spans of a proxied request as an operator's collector receives them: the gateways and the agent of
/// <see cref="KubectlPlatformFixture"/> export over OTLP (the standard <c>OTEL_*</c> variables) to a receiver in the
/// test, and one request must arrive as one trace, gateway to agent to API server, with every parent where it belongs.
/// </summary>
[Collection(KubectlPlatformCollection.Name)]
public sealed class ProxyTraceTests(KubectlPlatformFixture platform)
{
    private const string Ns = KubectlPlatformFixture.Namespace;
    private const string Gateway = "plural-gateway";
    private const string Agent = "plural-agentk";

    // Generous: spans leave in batches, and the CI machine has two cores shared with other suites.
    private static readonly TimeSpan ArrivalTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task One_kubectl_get_through_a_peer_gateway_is_one_trace_across_both_gateways_and_the_agent()
    {
        var name = await CreateConfigMapAsync("traced");
        var (kubectl, _) = await platform.KubectlAsync("B", "tracer", []);

        var result = await kubectl.RunAsync(CommandTimeout, "get", "configmap", name, "-n", Ns, "-o", "name");

        Assert.True(result.ExitCode == 0, platform.Describe(result));
        var path = $"/api/v1/namespaces/{Ns}/configmaps/{name}";
        var entry = await ArrivedAsync(spans => spans.FirstOrDefault(s =>
            s.Service == Gateway && s.Kind == SpanKind.Server && s.Attribute("plural.gateway") == platform.Gateway("B").Id
            && s.Attribute("url.path") == path), "gateway B's server span for " + path);
        var trace = await TraceAsync(entry.TraceId, spans => spans.Count(s => s.Service == Agent) >= 2 && spans.Count(s => s.Service == Gateway) >= 3);

        var hop = Single(trace, s => s.Service == Gateway && s.Kind == SpanKind.Client, "gateway B's client span of the hop");
        var forwarded = Single(trace, s => s.Service == Gateway && s.Kind == SpanKind.Server && s != entry, "gateway A's server span");
        var tunnelled = Single(trace, s => s.Service == Agent && s.Kind == SpanKind.Server, "the agent's span of the tunnelled request");
        var upstream = Single(trace, s => s.Service == Agent && s.Kind == SpanKind.Client, "the agent's call to the API server");
        Assert.Equal("", entry.ParentSpanId);
        Assert.Equal(entry.SpanId, hop.ParentSpanId);
        Assert.Equal(hop.SpanId, forwarded.ParentSpanId);
        Assert.Equal(forwarded.SpanId, tunnelled.ParentSpanId);
        Assert.Equal(tunnelled.SpanId, upstream.ParentSpanId);

        Assert.Equal("k8s-proxy", entry.Attribute("plural.route"));
        Assert.Equal("/k8s-proxy/{agent}/{**path}", entry.Attribute("http.route"));
        Assert.Equal(platform.Agent.Name, entry.Attribute("plural.agent"));
        Assert.Equal(platform.Gateway("A").Id, hop.Attribute("plural.peer_gateway"));
        Assert.Equal("agents", forwarded.Attribute("plural.route"));
        Assert.Equal(platform.Gateway("A").Id, forwarded.Attribute("plural.gateway"));
        Assert.Equal(platform.Agent.Name, forwarded.Attribute("plural.agent"));
        Assert.All([entry, hop, forwarded, tunnelled, upstream], s => Assert.Equal("200", s.Attribute("http.response.status_code")));
        Assert.All([tunnelled, upstream], s => Assert.Equal(path, s.Attribute("url.path")));
    }

    [Fact]
    public async Task A_callers_traceparent_is_the_parent_of_the_gateway_span_and_no_credential_reaches_a_span()
    {
        var name = await CreateConfigMapAsync("caller-traced");
        var (_, issued) = await platform.KubectlAsync("A", "caller", []);
        var traceId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var callerSpanId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        using var client = platform.HttpClient("A", issued.Token);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/k8s-proxy/{platform.Agent.Name}/api/v1/namespaces/{Ns}/configmaps/{name}");
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{traceId}-{callerSpanId}-01");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Each process exports on its own schedule: the trace is complete once the gateway's and the agent's spans are in.
        var trace = await TraceAsync(traceId, spans => spans.Any(s => s.Service == Agent && s.Kind == SpanKind.Client)
            && spans.Any(s => s.Service == Agent && s.Kind == SpanKind.Server) && spans.Any(s => s.Service == Gateway && s.Kind == SpanKind.Server));
        var gateway = Single(trace, s => s.Service == Gateway && s.Kind == SpanKind.Server, "gateway A's server span");
        var tunnelled = Single(trace, s => s.Service == Agent && s.Kind == SpanKind.Server, "the agent's span of the tunnelled request");
        Assert.Equal(callerSpanId, gateway.ParentSpanId);
        Assert.Equal(gateway.SpanId, tunnelled.ParentSpanId);
        Assert.DoesNotContain(trace.SelectMany(s => s.Attributes), a =>
            a.Value.Contains(issued.Token, StringComparison.Ordinal) || a.Key.Contains("authorization", StringComparison.OrdinalIgnoreCase));
    }

    private async Task<string> CreateConfigMapAsync(string prefix)
    {
        var name = $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
        await platform.Cluster.Admin.CoreV1.CreateNamespacedConfigMapAsync(new() { Metadata = new() { Name = name } }, Ns);
        return name;
    }

    private Task<ReceivedSpan> ArrivedAsync(Func<IReadOnlyCollection<ReceivedSpan>, ReceivedSpan?> find, string what) =>
        Eventually.GetAsync(() => Task.FromResult(find(platform.Traces.Spans)), ArrivalTimeout, what);

    private Task<IReadOnlyList<ReceivedSpan>> TraceAsync(string traceId, Func<IReadOnlyList<ReceivedSpan>, bool> complete) =>
        Eventually.GetAsync(() => Task.FromResult(platform.Traces.Trace(traceId) is var spans && complete(spans) ? spans : null),
            ArrivalTimeout, $"the spans of trace {traceId}")!;

    private static ReceivedSpan Single(IReadOnlyList<ReceivedSpan> trace, Func<ReceivedSpan, bool> which, string what)
    {
        var found = trace.Where(which).ToList();
        Assert.True(found.Count == 1, $"expected one {what}, found {found.Count} in:\n{string.Join("\n", trace)}");
        return found[0];
    }
}
