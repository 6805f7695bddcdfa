using System.Collections.Concurrent;
using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Plural.Gateway.Tunnels;
using Plural.Protocol.Agent;
using Plural.Security.Tests.Infrastructure;

namespace Plural.Security.Tests.Tunnels;

/// <summary>
/// A Kestrel server whose only route runs the gateway's real tunnel exchange against an agent that answers
/// with a scripted frame sequence. Callers reach it over a real socket, so what they observe (status, body,
/// a cut connection) is what kubectl would observe.
/// </summary>
internal sealed class ScriptedAgentGateway : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (IReadOnlyList<TunnelUp> Frames, bool FailAtEnd)> _scripts = new();
    private readonly ConcurrentDictionary<string, Task> _released = new();

    private ScriptedAgentGateway(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public static async Task<ScriptedAgentGateway> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var gateway = new ScriptedAgentGateway(app);
        app.MapGet("/fuzz/{id}", gateway.ServeAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        gateway.Url = new Uri(address);
        return gateway;
    }

    /// <summary>Registers the frames the agent will answer request <paramref name="id"/> with.</summary>
    public void Script(string id, IReadOnlyList<TunnelUp> frames, bool failAtEnd) => _scripts[id] = (frames, failAtEnd);

    /// <summary>Completes when the exchange of <paramref name="id"/> released its tunnel, faulted when it ended the stream with an error.</summary>
    public async Task<Exception?> ReleasedAsync(string id, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        Task? released;
        while (!_released.TryGetValue(id, out released))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"request {id} never reached the exchange");
            }

            await Task.Delay(20);
        }

        try
        {
            await released.WaitAsync(timeout);
            return null;
        }
        catch (RpcException ex)
        {
            return ex;
        }
    }

    private async Task ServeAsync(HttpContext context, string id)
    {
        var (frames, failAtEnd) = _scripts[id];
        var tunnel = new AgentTunnel(new AgentIdentity("fuzz", "token-id", "token-hash"), "instance",
            new ScriptedStreamReader<TunnelUp>(frames, failAtEnd), new RecordingStreamWriter<TunnelDown>(), CancellationToken.None);
        tunnel.TryClaim();
        _released[id] = tunnel.Released;
        await new TunnelExchange(context, tunnel, 16 * 1024, NullLogger.Instance).RunAsync(new TunnelRoute("fuzz", "/"), mayRetry: false);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
