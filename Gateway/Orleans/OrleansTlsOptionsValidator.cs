using Microsoft.Extensions.Options;

namespace Plural.Gateway.Orleans;

/// <summary>
/// Refuses to start a silo or gateway whose Orleans traffic would cross a network in plain text: with a clustering
/// other than <c>Localhost</c> the three TLS files are required unless <c>Orleans:Tls:Enabled</c> is false. When TLS
/// is on, the files must exist, parse, and the certificate must chain to the CA with the usages the process needs.
/// </summary>
internal sealed class OrleansTlsOptionsValidator(ClusteringProvider clustering, bool serves) : IValidateOptions<OrleansTlsOptions>
{
    public ValidateOptionsResult Validate(string? name, OrleansTlsOptions options)
    {
        if (options.ReloadCheckInterval < TimeSpan.Zero || options.ReloadCheckInterval > TimeSpan.FromHours(1))
        {
            return ValidateOptionsResult.Fail("Orleans:Tls:ReloadCheckInterval must be between 0 and 1 hour.");
        }

        if (!options.IsOn(clustering))
        {
            return ValidateOptionsResult.Success;
        }

        var files = new[] { ("CertificateFile", options.CertificateFile), ("KeyFile", options.KeyFile), ("CaFile", options.CaFile) };
        var missing = files.Where(f => string.IsNullOrWhiteSpace(f.Item2)).Select(f => f.Item1).ToList();
        if (missing.Count > 0)
        {
            var why = options.Enabled == true ? "Orleans:Tls:Enabled is true"
                : options.AnyFile ? "the other Orleans:Tls files are set"
                : $"Orleans:ClusteringProvider is {clustering}, so Orleans traffic (token hashes, grants, configurations) would cross the network in plain text; " +
                  "set Orleans:Tls:Enabled=false only on a private network you trust";
            return ValidateOptionsResult.Fail($"Orleans:Tls: {string.Join(", ", missing)} (PEM) must be set: {why}.");
        }

        var absent = files.Where(f => !File.Exists(f.Item2)).Select(f =>
            $"Orleans:Tls:{f.Item1}: file '{f.Item2}' does not exist (relative paths are read from {Environment.CurrentDirectory}).").ToList();
        if (absent.Count > 0)
        {
            return ValidateOptionsResult.Fail(absent);
        }

        try
        {
            ClusterCredentialFiles.From(options, serves).Load();
            return ValidateOptionsResult.Success;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }
    }
}
