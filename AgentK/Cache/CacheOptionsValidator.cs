using Microsoft.Extensions.Options;

namespace Plural.AgentK.Cache;

/// <summary>Rejects unknown kinds and limits the informers cannot work with.</summary>
internal sealed class CacheOptionsValidator : IValidateOptions<CacheOptions>
{
    public ValidateOptionsResult Validate(string? name, CacheOptions options)
    {
        var errors = new List<string>();
        foreach (var kind in options.Kinds.Where(k => ResourceKinds.Find(k) is null))
        {
            errors.Add($"Agent:Cache:Kinds: '{kind}' is not a supported kind ({ResourceKinds.Supported}).");
        }

        if (options.MaxObjectsPerKind < 1) errors.Add("Agent:Cache:MaxObjectsPerKind must be at least 1.");
        if (options.MaxBytesPerKind < 1024) errors.Add("Agent:Cache:MaxBytesPerKind must be at least 1024.");
        if (options.ListPageSize is < 1 or > 10_000) errors.Add("Agent:Cache:ListPageSize must be between 1 and 10000.");
        if (options.WatchTimeout < TimeSpan.FromSeconds(1)) errors.Add("Agent:Cache:WatchTimeout must be at least 1 second.");
        if (options.InitialBackoff <= TimeSpan.Zero) errors.Add("Agent:Cache:InitialBackoff must be positive.");
        if (options.MaxBackoff < options.InitialBackoff) errors.Add("Agent:Cache:MaxBackoff must be at least InitialBackoff.");
        if (options.EventMessageLength < 0) errors.Add("Agent:Cache:EventMessageLength must not be negative.");
        if (options.DefaultQueryLimit < 1) errors.Add("Agent:Cache:DefaultQueryLimit must be at least 1.");
        if (options.MaxQueryLimit < options.DefaultQueryLimit) errors.Add("Agent:Cache:MaxQueryLimit must be at least DefaultQueryLimit.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
