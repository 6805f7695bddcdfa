using Microsoft.Extensions.Options;

namespace Plural.AgentK.Upstream;

/// <summary>Rejects an upstream the agent cannot reach, at start rather than at the first forwarded request.</summary>
internal sealed class UpstreamOptionsValidator : IValidateOptions<UpstreamOptions>
{
    public ValidateOptionsResult Validate(string? name, UpstreamOptions options)
    {
        var errors = new List<string>();
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add("Agent:Upstream:Url must be an absolute http:// or https:// URL.");
        }

        if (!string.IsNullOrEmpty(options.CaFile) && !File.Exists(options.CaFile))
        {
            errors.Add($"Agent:Upstream:CaFile: file '{options.CaFile}' does not exist (relative paths are read from {Environment.CurrentDirectory}).");
        }

        if (options.ConnectTimeout <= TimeSpan.Zero) errors.Add("Agent:Upstream:ConnectTimeout must be positive.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
