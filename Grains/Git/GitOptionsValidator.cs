using Microsoft.Extensions.Options;

namespace Plural.Grains.Git;

/// <summary>Rejects Git options that would poll too often, never, or with unusable credentials.</summary>
public sealed class GitOptionsValidator : IValidateOptions<GitOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, GitOptions options)
    {
        var errors = new List<string>();
        if (options.PollInterval < TimeSpan.FromMilliseconds(100))
        {
            errors.Add("Git:PollInterval must be at least 100 ms.");
        }

        if (options.PollJitter is < 0 or > 0.5)
        {
            errors.Add("Git:PollJitter must be between 0 and 0.5.");
        }

        if (options.MaxBackoff < options.PollInterval)
        {
            errors.Add("Git:MaxBackoff must not be shorter than Git:PollInterval.");
        }

        if (options.MaxConcurrentOperations < 1)
        {
            errors.Add("Git:MaxConcurrentOperations must be at least 1.");
        }

        foreach (var credential in options.Credentials)
        {
            if (string.IsNullOrWhiteSpace(credential.UrlPrefix) || string.IsNullOrEmpty(credential.Username))
            {
                errors.Add("Git:Credentials entries need a UrlPrefix and a Username.");
            }
        }

        foreach (var key in options.SshKeys)
        {
            if (!key.UrlPrefix.StartsWith(SshGitRemote.Scheme, StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"Git:SshKeys entries need a UrlPrefix starting with {SshGitRemote.Scheme} (\"{key.UrlPrefix}\" does not).");
            }

            foreach (var (file, what) in new[] { (key.PrivateKeyFile, "PrivateKeyFile"), (key.KnownHostsFile, "KnownHostsFile") })
            {
                if (string.IsNullOrWhiteSpace(file) || !File.Exists(file))
                {
                    errors.Add($"Git:SshKeys entry for {key.UrlPrefix} needs an existing {what} (\"{file}\" is not one).");
                }
            }
        }

        if (options.SshTimeout <= TimeSpan.Zero)
        {
            errors.Add("Git:SshTimeout must be positive.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
