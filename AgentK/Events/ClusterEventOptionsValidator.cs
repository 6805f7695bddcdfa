using Microsoft.Extensions.Options;

namespace Plural.AgentK.Events;

/// <summary>Rejects batching and rate limits that would send nothing.</summary>
internal sealed class ClusterEventOptionsValidator : IValidateOptions<ClusterEventOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterEventOptions options)
    {
        var errors = new List<string>();
        if (options.BatchInterval < TimeSpan.Zero) errors.Add("Agent:Events:BatchInterval must not be negative.");
        if (options.MaxBatchSize < 1) errors.Add("Agent:Events:MaxBatchSize must be at least 1.");
        if (options.MaxEventsPerSecond < 1) errors.Add("Agent:Events:MaxEventsPerSecond must be at least 1.");
        if (options.MaxPending < 1) errors.Add("Agent:Events:MaxPending must be at least 1.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
