using Microsoft.Extensions.Options;
using Plural.Gateway.Listeners;

namespace Plural.Gateway.Access;

/// <summary>Refuses to start with an admin credentials file that does not parse, naming the line.</summary>
internal sealed class AdminCredentialsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        if (string.IsNullOrEmpty(options.AdminTokensFile) || !File.Exists(options.AdminTokensFile))
        {
            return ValidateOptionsResult.Success; // A missing file is the listeners' validator's to report.
        }

        try
        {
            AdminTokenHashes.Parse(File.ReadAllText(options.AdminTokensFile));
            return ValidateOptionsResult.Success;
        }
        catch (FormatException ex)
        {
            return ValidateOptionsResult.Fail($"Gateway:AdminTokensFile: {ex.Message}.");
        }
    }
}
