namespace Plural.Topology.Tests.Infrastructure;

/// <summary>One request of the steady load: when it ran, through which gateway, and how it ended.</summary>
internal sealed record RequestRecord(DateTime Started, DateTime Ended, string Gateway, string Agent, int Status, string? Error)
{
    public bool Succeeded => Status == 200 && Error is null;
}
