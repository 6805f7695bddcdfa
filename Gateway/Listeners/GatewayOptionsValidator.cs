using Microsoft.Extensions.Options;

namespace Plural.Gateway.Listeners;

/// <summary>
/// Refuses to start a gateway that would carry credentials in plain text or accept forwarded requests it cannot
/// authenticate: outside <see cref="GatewayOptions.AllowInsecure"/> every listener is <c>https://</c> with a
/// certificate, and a peer secret is configured.
/// </summary>
internal sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var errors = new List<string>();
        var listeners = new[]
        {
            (ListenerKind.Agent, "AgentListenUrl", options.AgentListenUrl),
            (ListenerKind.Api, "ApiListenUrl", options.ApiListenUrl),
            (ListenerKind.Http, "HttpListenUrl", options.HttpListenUrl),
            (ListenerKind.Operations, "OperationsListenUrl", options.OperationsListenUrl ?? ""),
        };
        var anyTls = false;
        foreach (var (kind, key, url) in listeners)
        {
            if (kind == ListenerKind.Operations && string.IsNullOrWhiteSpace(url))
            {
                if (!options.AllowInsecure)
                {
                    errors.Add("Gateway:OperationsListenUrl is required unless Gateway:AllowInsecure is true: /healthz, /readyz, " +
                        "/metrics and /admin/* are never served on the public HTTP listener.");
                }

                continue;
            }

            var tls = Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps;
            anyTls |= tls;
            if (!tls && !options.AllowInsecure)
            {
                errors.Add($"Listener {kind} (Gateway:{key} = {url}) is not https://: every listener serves TLS unless " +
                    "Gateway:AllowInsecure is true (tests and local experiments only).");
            }
        }

        if (!options.AllowInsecure && !string.IsNullOrWhiteSpace(options.PrivateAddress)
            && !options.PrivateAddress.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"Gateway:PrivateAddress ({options.PrivateAddress}) is not https://: other gateways reach this one over TLS.");
        }

        if (anyTls && (string.IsNullOrEmpty(options.TlsCertificateFile) || string.IsNullOrEmpty(options.TlsKeyFile)))
        {
            errors.Add("An https:// listener needs a certificate: set Gateway:TlsCertificateFile and Gateway:TlsKeyFile (PEM).");
        }

        foreach (var (key, file) in new[]
        {
            ("TlsCertificateFile", options.TlsCertificateFile), ("TlsKeyFile", options.TlsKeyFile), ("Peer:CaFile", options.Peer.CaFile),
            ("AdminTokenFile", string.IsNullOrWhiteSpace(options.AdminToken) ? options.AdminTokenFile : null), ("AdminTokensFile", options.AdminTokensFile),
        })
        {
            if (!string.IsNullOrEmpty(file) && !File.Exists(file))
            {
                errors.Add($"Gateway:{key}: file '{file}' does not exist.");
            }
        }

        ValidatePeerSecret(options, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidatePeerSecret(GatewayOptions options, List<string> errors)
    {
        var peer = options.Peer;
        if (!string.IsNullOrWhiteSpace(peer.SecretFile) && string.IsNullOrWhiteSpace(peer.Secret) && !File.Exists(peer.SecretFile))
        {
            errors.Add($"Gateway:Peer:SecretFile: file '{peer.SecretFile}' does not exist.");
            return;
        }

        var secret = peer.ReadSecret();
        if (secret is null && !options.AllowInsecure)
        {
            errors.Add("Gateway:Peer:SecretFile (or Gateway:Peer:Secret) is required: gateways authenticate forwarded requests with it.");
        }
        else if (secret is not null && secret.Length < PeerOptions.MinSecretBytes)
        {
            errors.Add($"The peer secret must be at least {PeerOptions.MinSecretBytes} bytes.");
        }

        if (peer.TokenLifetime <= TimeSpan.Zero || peer.TokenLifetime > TimeSpan.FromMinutes(5))
        {
            errors.Add("Gateway:Peer:TokenLifetime must be positive and at most 5 minutes.");
        }

        if (peer.ClockSkew < TimeSpan.Zero || peer.ClockSkew > TimeSpan.FromMinutes(5))
        {
            errors.Add("Gateway:Peer:ClockSkew must be between 0 and 5 minutes.");
        }
    }
}
