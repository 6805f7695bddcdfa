using Microsoft.Extensions.Options;

namespace Plural.AgentK.Observability;

/// <summary>Rejects a listener address Kestrel could not bind.</summary>
internal sealed class ObservabilityOptionsValidator : IValidateOptions<ObservabilityOptions>
{
    public ValidateOptionsResult Validate(string? name, ObservabilityOptions options)
    {
        var url = options.ObservabilityUrl;
        var valid = string.IsNullOrEmpty(url)
            || (Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps));
        return valid ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail("Agent:ObservabilityUrl must be an http:// URL or empty.");
    }
}
