using Microsoft.Extensions.Options;

namespace Plural.AgentK.Transport;

/// <summary>Rejects a gateway address, proxy or token the agent cannot dial with, at start rather than at first use.</summary>
internal sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var errors = new List<string>();

        if (!IsHttpUrl(options.GatewayUrl))
        {
            errors.Add("Agent:GatewayUrl is required and must be an absolute http:// or https:// URL.");
        }
        else
        {
            try
            {
                // Resolving checks Agent:Proxy and the proxy environment variables alike.
                _ = GatewayProxy.Resolve(options.GatewayUrl, options.Proxy, Environment.GetEnvironmentVariable);
            }
            catch (ArgumentException exception)
            {
                errors.Add(exception.Message);
            }
        }

        if (string.IsNullOrEmpty(options.Token) && string.IsNullOrEmpty(options.TokenFile))
        {
            errors.Add($"Agent:Token, Agent:TokenFile or the {GatewayOptions.TokenEnvironmentVariable} environment variable is required.");
        }
        else if (!string.IsNullOrEmpty(options.TokenFile) && !File.Exists(options.TokenFile))
        {
            errors.Add($"Agent:TokenFile: file '{options.TokenFile}' does not exist (relative paths are read from {Environment.CurrentDirectory}).");
        }

        if (!string.IsNullOrEmpty(options.GatewayCaFile) && !File.Exists(options.GatewayCaFile))
        {
            errors.Add($"Agent:GatewayCaFile: file '{options.GatewayCaFile}' does not exist (relative paths are read from {Environment.CurrentDirectory}).");
        }

        if (options.KeepAlivePingInterval <= TimeSpan.Zero) errors.Add("Agent:KeepAlivePingInterval must be positive.");
        if (options.KeepAlivePingTimeout <= TimeSpan.Zero) errors.Add("Agent:KeepAlivePingTimeout must be positive.");
        if (options.Http2StreamWindowBytes < 65_535) errors.Add("Agent:Http2StreamWindowBytes must be at least 65535 (the HTTP/2 default).");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
