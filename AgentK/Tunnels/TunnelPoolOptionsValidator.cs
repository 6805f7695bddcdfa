using Microsoft.Extensions.Options;

namespace Plural.AgentK.Tunnels;

/// <summary>Rejects a pool that could not keep a stream open or would never retire one.</summary>
internal sealed class TunnelPoolOptionsValidator : IValidateOptions<TunnelPoolOptions>
{
    public ValidateOptionsResult Validate(string? name, TunnelPoolOptions options)
    {
        var errors = new List<string>();
        if (options.MinIdle < 1) errors.Add("Agent:Tunnels:MinIdle must be at least 1.");
        if (options.QuietMinIdle < 0 || options.QuietMinIdle > options.MinIdle)
        {
            errors.Add("Agent:Tunnels:QuietMinIdle must be at least 0 and at most Agent:Tunnels:MinIdle.");
        }

        if (options.MaxTotal < options.MinIdle) errors.Add("Agent:Tunnels:MaxTotal must be at least Agent:Tunnels:MinIdle.");
        if (options.ScaleUpStep < 1) errors.Add("Agent:Tunnels:ScaleUpStep must be at least 1.");
        if (options.ChunkBytes is < 1024 or > 4 * 1024 * 1024) errors.Add("Agent:Tunnels:ChunkBytes must be between 1024 and 4194304.");
        if (options.MaxIdleTime <= TimeSpan.Zero) errors.Add("Agent:Tunnels:MaxIdleTime must be positive.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
