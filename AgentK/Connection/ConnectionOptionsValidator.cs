using Microsoft.Extensions.Options;

namespace Plural.AgentK.Connection;

/// <summary>Rejects a negative shutdown grace period or certificate expiry warning.</summary>
internal sealed class ConnectionOptionsValidator : IValidateOptions<ConnectionOptions>
{
    public ValidateOptionsResult Validate(string? name, ConnectionOptions options)
    {
        List<string> failures = [];
        if (options.ShutdownGracePeriod < TimeSpan.Zero)
        {
            failures.Add("Agent:ShutdownGracePeriod must not be negative.");
        }

        if (options.CertificateExpiryWarning < TimeSpan.Zero)
        {
            failures.Add("Agent:CertificateExpiryWarning must not be negative.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
