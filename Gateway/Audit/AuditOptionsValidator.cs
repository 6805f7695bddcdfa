using Microsoft.Extensions.Options;

namespace Plural.Gateway.Audit;

/// <summary>
/// Refuses an export that could not work, at start rather than at the first request: a file target without a file,
/// a file whose directory does not exist, or a file given while the export is off (which would silently export nothing).
/// </summary>
internal sealed class AuditOptionsValidator : IValidateOptions<AuditOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditOptions options)
    {
        var file = options.ExportFile;
        if (options.Export == AuditExportTarget.File)
        {
            if (string.IsNullOrWhiteSpace(file))
            {
                return ValidateOptionsResult.Fail($"{AuditOptions.Section}:ExportFile: required when {AuditOptions.Section}:Export is file");
            }

            var directory = Path.GetDirectoryName(Path.GetFullPath(file));
            if (directory is null || !Directory.Exists(directory))
            {
                return ValidateOptionsResult.Fail($"{AuditOptions.Section}:ExportFile: the directory of \"{file}\" does not exist");
            }
        }
        else if (!string.IsNullOrWhiteSpace(file))
        {
            return ValidateOptionsResult.Fail(
                $"{AuditOptions.Section}:ExportFile is set but {AuditOptions.Section}:Export is {options.Export.ToString().ToLowerInvariant()}; set it to file");
        }

        return ValidateOptionsResult.Success;
    }
}
