using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Tests.Infrastructure;

/// <summary>The gateway's side of the contract, as small as the tests need it.</summary>
public sealed class FakeAgentGatewayService(FakeGateway gateway) : AgentGateway.AgentGatewayBase
{
    public override async Task Session(IAsyncStreamReader<AgentMessage> requestStream, IServerStreamWriter<GatewayMessage> responseStream, ServerCallContext context)
    {
        gateway.SessionAttempts.Enqueue(DateTime.UtcNow);
        gateway.Authorize(context);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, gateway.ShutdownToken);
        if (!await requestStream.MoveNext(cts.Token) || requestStream.Current.KindCase != AgentMessage.KindOneofCase.Hello)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "hello must come first"));
        }

        var session = new FakeSession(requestStream.Current.Hello, context.GetHttpContext().Connection.Id, responseStream);
        await responseStream.WriteAsync(new GatewayMessage
        {
            Welcome = new Welcome
            {
                AgentId = "agent-42", GatewayId = gateway.GatewayId, HeartbeatIntervalMs = gateway.HeartbeatIntervalMs,
                AcceptedCapabilities = { gateway.AsksForTunnels ? [TunnelsWanted.OnDemandCapability] : [] },
            },
        });
        gateway.Sessions.Enqueue(session);
        try
        {
            while (await requestStream.MoveNext(cts.Token))
            {
                if (requestStream.Current.KindCase == AgentMessage.KindOneofCase.Heartbeat)
                {
                    session.Heartbeats.Enqueue(requestStream.Current.Heartbeat);
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or RpcException)
        {
        }
        finally
        {
            session.Ended.TrySetResult();
        }
    }

    public override async Task Connect(IAsyncStreamReader<TunnelUp> requestStream, IServerStreamWriter<TunnelDown> responseStream, ServerCallContext context)
    {
        gateway.AuthorizeTunnel(context);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, gateway.ShutdownToken);
        if (!await requestStream.MoveNext(cts.Token) || requestStream.Current.FrameCase != TunnelUp.FrameOneofCase.Ready)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "ready must come first"));
        }

        var slot = new FakeTunnelSlot(requestStream, responseStream, context.GetHttpContext().Connection.Id,
            requestStream.Current.Ready.InstanceId, [.. requestStream.Current.Ready.Capabilities], cts.Token);
        slot.WatchWhileIdle();
        gateway.SlotOpened(slot);
        try
        {
            await slot.Finished.WaitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            gateway.SlotClosed(slot);
        }
    }
}
