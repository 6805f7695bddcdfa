namespace Plural.Topology.Tests.Infrastructure;

/// <summary>
/// Polls every gateway's <c>/readyz</c> like a Kubernetes endpoints controller and keeps the list of ready ones,
/// which both the agents' load balancer and the simulated users pick from.
/// </summary>
internal sealed class GatewayReadiness : IAsyncDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(250);

    private readonly Func<IReadOnlyList<GatewayEndpoint>> _gateways;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _polling;
    private volatile IReadOnlyList<GatewayEndpoint> _ready = [];

    public GatewayReadiness(Func<IReadOnlyList<GatewayEndpoint>> gateways)
    {
        _gateways = gateways;
        _polling = PollAsync();
    }

    public IReadOnlyList<GatewayEndpoint> Ready => _ready;

    private async Task PollAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var checks = _gateways().Select(async g => (Gateway: g, Ready: await IsReadyAsync(g))).ToList();
            _ready = (await Task.WhenAll(checks)).Where(c => c.Ready).Select(c => c.Gateway).ToList();
            try
            {
                await Task.Delay(Period, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<bool> IsReadyAsync(GatewayEndpoint gateway)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(gateway.HttpUrl, "/readyz"), _stop.Token);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _polling;
        _http.Dispose();
        _stop.Dispose();
    }
}
