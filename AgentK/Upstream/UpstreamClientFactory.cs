using System.Net;
using Microsoft.Extensions.Options;
using Plural.Protocol.Tls;

namespace Plural.AgentK.Upstream;

/// <summary>Creates the HTTP client the agent forwards requests with: a transparent one.</summary>
internal static class UpstreamClientFactory
{
    /// <summary>
    /// Creates the client; with <paramref name="repeatHeaders"/> it speaks HTTP/1.1 only and writes marked headers
    /// as repeated lines (see <see cref="RepeatedHeaderStream"/>), which impersonated requests need.
    /// </summary>
    public static HttpMessageInvoker Create(IOptions<UpstreamOptions> options, bool repeatHeaders = false)
    {
        var upstream = options.Value;
        var handler = new SocketsHttpHandler
        {
            // A forwarder passes redirects, cookies and encodings through untouched.
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
            ConnectTimeout = upstream.ConnectTimeout,
            EnableMultipleHttp2Connections = true,
            // Trace headers belong to the caller; the agent adds none.
            ActivityHeadersPropagator = null,
        };

        var validator = CertificateTrust.CreateValidator(upstream.CaFile, serverName: null, upstream.InsecureSkipTlsVerify);
        if (validator is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = validator;
        }

        if (repeatHeaders)
        {
            handler.PlaintextStreamFilter = (context, _) => ValueTask.FromResult<Stream>(new RepeatedHeaderStream(context.PlaintextStream));
        }

        return new HttpMessageInvoker(handler, disposeHandler: true);
    }
}
