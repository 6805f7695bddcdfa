using Microsoft.Extensions.Options;

namespace Plural.AgentK.Views;

/// <summary>Rejects view timings that would flood the session or measure nothing.</summary>
internal sealed class ClusterViewOptionsValidator : IValidateOptions<ClusterViewOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterViewOptions options)
    {
        var errors = new List<string>();
        if (options.Debounce < TimeSpan.Zero) errors.Add("Agent:Views:Debounce must not be negative.");
        if (options.RefreshInterval < TimeSpan.FromSeconds(1)) errors.Add("Agent:Views:RefreshInterval must be at least 1 second.");
        if (options.WarningWindow < TimeSpan.FromMinutes(1)) errors.Add("Agent:Views:WarningWindow must be at least 1 minute.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
