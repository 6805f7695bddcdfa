using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Plural.AgentK.Tests.Infrastructure;

/// <summary>Kestrel on a real loopback socket, quiet and quick to stop, for the fakes around the agent.</summary>
internal static class LoopbackServer
{
    public static WebApplicationBuilder CreateBuilder()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        return builder;
    }

    /// <summary>Starts the server and returns the address it bound (port 0 resolved).</summary>
    public static async Task<Uri> StartAsync(WebApplication app)
    {
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(10));
        return new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
    }
}
