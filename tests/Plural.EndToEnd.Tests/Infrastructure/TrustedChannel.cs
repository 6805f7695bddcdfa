using Grpc.Net.Client;
using Plural.Protocol.Tls;

namespace Plural.EndToEnd.Tests.Infrastructure;

/// <summary>A gRPC channel that checks an <c>https://</c> server's certificate against a pinned CA, as the product's clients do.</summary>
internal static class TrustedChannel
{
    public static GrpcChannel For(Uri address, string? caFile)
    {
        var handler = new SocketsHttpHandler();
        if (CertificateTrust.CreateValidator(caFile, serverName: null) is { } validator)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = validator;
        }

        return GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
    }
}
