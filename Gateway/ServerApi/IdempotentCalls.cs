using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Plural.Grains.Agents;

namespace Plural.Gateway.ServerApi;

/// <summary>
/// Runs a create call once per <c>request_id</c>: a retry within <see cref="ServerApiOptions.IdempotencyWindow"/> gets
/// the first answer (secret included), a concurrent duplicate is told to retry, and reusing an id for a different
/// request is an error. Calls without a request id run as they are.
/// </summary>
internal sealed class IdempotentCalls(IGrainFactory grains, IOptions<ServerApiOptions> options)
{
    /// <summary>Longest request id accepted.</summary>
    public const int MaxRequestIdLength = 128;

    /// <summary>
    /// Runs <paramref name="create"/> unless <paramref name="request"/>'s <c>request_id</c> already produced an answer.
    /// </summary>
    public async Task<TResponse> RunAsync<TRequest, TResponse>(string method, TRequest request, string requestId, Func<Task<TResponse>> create)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>, new()
    {
        if (requestId.Length == 0)
        {
            return await create();
        }

        if (requestId.Length > MaxRequestIdLength || !requestId.All(c => c is > ' ' and <= '~'))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                $"request_id: at most {MaxRequestIdLength} printable ASCII characters without spaces"));
        }

        var grain = grains.GetGrain<IIdempotentRequestGrain>($"{method}/{requestId}");
        var claim = await grain.Claim(Fingerprint(request), options.Value.IdempotencyWindow);
        switch (claim.State)
        {
            case IdempotentRequestState.Completed:
                var answer = new TResponse();
                answer.MergeFrom(claim.Answer);
                return answer;
            case IdempotentRequestState.InProgress:
                throw new RpcException(new Status(StatusCode.Aborted, "request_id: a call with this id is still running; retry shortly"));
            case IdempotentRequestState.Mismatch:
                throw new RpcException(new Status(StatusCode.InvalidArgument, "request_id: already used for a request with other parameters"));
        }

        TResponse response;
        try
        {
            response = await create();
        }
        catch
        {
            await grain.Release();
            throw;
        }

        await grain.Complete(response.ToByteArray());
        return response;
    }

    // The request without its id: the same id with other parameters is a client bug worth reporting.
    private static string Fingerprint<TRequest>(TRequest request) where TRequest : IMessage<TRequest>
    {
        var copy = request.Clone();
        copy.Descriptor.FindFieldByName("request_id")?.Accessor.Clear(copy);
        return Convert.ToHexStringLower(SHA256.HashData(copy.ToByteArray()));
    }
}
