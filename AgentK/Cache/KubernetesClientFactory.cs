using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using k8s;
using k8s.Authentication;
using Microsoft.Extensions.Options;
using Plural.AgentK.Upstream;

namespace Plural.AgentK.Cache;

/// <summary>
/// Creates the KubernetesClient the informers use, with the same upstream, trust and (rotating) credentials as
/// the tunnel's forwarder.
/// </summary>
internal sealed class KubernetesClientFactory(IOptions<UpstreamOptions> options, UpstreamCredentials credentials)
{
    public IKubernetes Create()
    {
        var upstream = options.Value;
        var configuration = new KubernetesClientConfiguration
        {
            Host = upstream.Url,
            SkipTlsVerify = upstream.InsecureSkipTlsVerify,
            // Watches run for minutes; every call carries its own cancellation instead.
            HttpClientTimeout = Timeout.InfiniteTimeSpan,
        };
        if (!string.IsNullOrEmpty(upstream.BearerTokenFile))
        {
            configuration.TokenProvider = new UpstreamTokenProvider(credentials);
        }

        if (!string.IsNullOrEmpty(upstream.CaFile))
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(upstream.CaFile);
            configuration.SslCaCerts = authorities;
        }

        return new Kubernetes(configuration);
    }

    private sealed class UpstreamTokenProvider(UpstreamCredentials credentials) : ITokenProvider
    {
        // An emptied token file gets a bare scheme: the server answers 401 and the informer backs off until the
        // file is written again.
        public Task<AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken) =>
            Task.FromResult(credentials.Current() ?? new AuthenticationHeaderValue("Bearer"));
    }
}
