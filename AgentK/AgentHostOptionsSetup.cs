using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Plural.AgentK;

/// <summary>Makes sure the host waits long enough on stop for the agent's grace period to play out.</summary>
internal sealed class AgentHostOptionsSetup(IOptions<AgentOptions> agent) : IConfigureOptions<HostOptions>
{
    // Room for cutting requests and closing connections after the grace period.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(10);

    public void Configure(HostOptions options)
    {
        var needed = agent.Value.ShutdownGracePeriod + Margin;
        if (options.ShutdownTimeout < needed)
        {
            options.ShutdownTimeout = needed;
        }
    }
}
