namespace Plural.Grains.Fleet;

/// <summary>Registers what the agent directory needs on a silo.</summary>
public static class AgentDirectoryHostingExtensions
{
    /// <summary>Carries a directory written by an earlier version into the directory buckets at start.</summary>
    public static ISiloBuilder AddAgentDirectory(this ISiloBuilder silo) => silo.AddStartupTask<AgentDirectoryCarryOver>();
}
