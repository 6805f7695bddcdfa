using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Plural.Gateway.ServerApi;

/// <summary>Admits <c>ServerApi</c> calls only from the main application (see <see cref="ServerApiAuthenticator"/>).</summary>
internal sealed class ServerApiAuthInterceptor(ServerApiAuthenticator authenticator) : Interceptor
{
    /// <inheritdoc />
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request,
        ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await authenticator.AuthorizeAsync(context.RequestHeaders.GetValue("authorization"), context.CancellationToken);
        return await continuation(request, context);
    }

    /// <inheritdoc />
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await authenticator.AuthorizeAsync(context.RequestHeaders.GetValue("authorization"), context.CancellationToken);
        await continuation(request, responseStream, context);
    }
}
