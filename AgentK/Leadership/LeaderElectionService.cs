using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plural.AgentK.Cache;

namespace Plural.AgentK.Leadership;

/// <summary>Runs the election for as long as the agent runs, when one is configured.</summary>
internal sealed class LeaderElectionService(
    IOptions<LeaderElectionOptions> options,
    LeaderTerms terms,
    KubernetesClientFactory clients,
    TimeProvider clock,
    ILogger<LeaderElectionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var election = options.Value;
        if (!terms.Elects)
        {
            return;
        }

        // Let the host finish starting: the first attempt must not hold up the gateway connection.
        await Task.Yield();
        using var client = clients.Create();
        var lease = new LeaseLock(client, election.LeaseName!, election.LeaseNamespace!);
        await new LeaderElector(lease, terms, election, clock, logger).RunAsync(stoppingToken);
    }
}
