using Microsoft.Extensions.Options;

namespace Plural.Grains.GitOps;

/// <summary>Rejects limits that could never let a manifest through.</summary>
public sealed class GitOpsOptionsValidator : IValidateOptions<GitOpsOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, GitOpsOptions options)
    {
        var errors = new List<string>();
        if (options.MaxManifestFileBytes <= 0 || options.MaxManifestTotalBytes <= 0 || options.MaxManifestFiles <= 0)
        {
            errors.Add("GitOps:MaxManifestFileBytes, MaxManifestTotalBytes and MaxManifestFiles must be positive.");
        }

        if (options.MaxManifestTotalBytes < options.MaxManifestFileBytes)
        {
            errors.Add("GitOps:MaxManifestTotalBytes must not be smaller than GitOps:MaxManifestFileBytes.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
