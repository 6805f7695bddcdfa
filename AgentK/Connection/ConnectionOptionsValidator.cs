using Microsoft.Extensions.Options;

namespace Plural.AgentK.Connection;

/// <summary>Rejects a negative shutdown grace period.</summary>
internal sealed class ConnectionOptionsValidator : IValidateOptions<ConnectionOptions>
{
    public ValidateOptionsResult Validate(string? name, ConnectionOptions options) =>
        options.ShutdownGracePeriod < TimeSpan.Zero
            ? ValidateOptionsResult.Fail("Agent:ShutdownGracePeriod must not be negative.")
            : ValidateOptionsResult.Success;
}
