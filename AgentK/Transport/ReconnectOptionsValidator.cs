using Microsoft.Extensions.Options;

namespace Plural.AgentK.Transport;

/// <summary>Rejects a reconnect backoff that would spin or never grow.</summary>
internal sealed class ReconnectOptionsValidator : IValidateOptions<ReconnectOptions>
{
    public ValidateOptionsResult Validate(string? name, ReconnectOptions options)
    {
        var errors = new List<string>();
        if (options.InitialBackoff <= TimeSpan.Zero) errors.Add("Agent:Reconnect:InitialBackoff must be positive.");
        if (options.MaxBackoff < options.InitialBackoff) errors.Add("Agent:Reconnect:MaxBackoff must be at least InitialBackoff.");
        if (options.Factor < 1) errors.Add("Agent:Reconnect:Factor must be at least 1.");
        if (options.Jitter is < 0 or > 1) errors.Add("Agent:Reconnect:Jitter must be between 0 and 1.");
        if (options.ResetAfter <= TimeSpan.Zero) errors.Add("Agent:Reconnect:ResetAfter must be positive.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
