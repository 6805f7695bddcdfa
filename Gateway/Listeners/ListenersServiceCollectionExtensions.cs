using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Plural.Protocol.Hosting;

namespace Plural.Gateway.Listeners;

/// <summary>Registers the gateway's listeners and what every room shares: its options, identity, clock, limits and instruments.</summary>
internal static class ListenersServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="GatewayOptions"/>, <see cref="ListenerLimitOptions"/> and <see cref="GrainReadOptions"/> (validated at start), the gateway's
    /// identity, its listeners, gRPC, its instruments, the agent directory reader and its copy, and configures Kestrel's listeners and limits.
    /// </summary>
    public static WebApplicationBuilder AddGatewayListeners(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        services.AddOptions<ListenerLimitOptions>().BindConfiguration(ListenerLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<GrainReadOptions>().BindConfiguration(GrainReadOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => GatewayIdentity.From(sp.GetRequiredService<IOptions<GatewayOptions>>().Value));
        services.AddSingleton<GatewayListeners>();
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<AgentDirectory>();
        services.AddSingleton<AgentListingMirror>();
        services.AddHostedService<AgentListingMirrorRefresher>();
        services.AddGrpc(o => o.MaxReceiveMessageSize = 8 * 1024 * 1024);
        // Read here rather than from the validated options: Kestrel's transport takes its pool factory from the services
        // being registered. An out-of-range value still fails the start, through the options' validation.
        var blockBytes = builder.Configuration.GetValue($"{ListenerLimitOptions.Section}:{nameof(ListenerLimitOptions.ReceiveBlockBytes)}",
            ListenerLimitOptions.DefaultReceiveBlockBytes);
        if (blockBytes > 4096)
        {
            // Registered after Kestrel's default factory: the last registration is the one resolved.
            services.AddSingleton<IMemoryPoolFactory<byte>>(new LargeBlockMemoryPoolFactory(blockBytes, retained: 256));
        }


        builder.WebHost.ConfigureKestrel((_, kestrel) =>
        {
            // The validated options: Kestrel is configured while the application is built, before the host's start
            // validation, and a bad listener setting must be reported like any other bad option.
            var options = kestrel.ApplicationServices.GetRequiredService<IOptions<GatewayOptions>>().Value;
            var limits = kestrel.ApplicationServices.GetRequiredService<IOptions<ListenerLimitOptions>>().Value;
            kestrel.Limits.MaxRequestHeadersTotalSize = limits.MaxRequestHeaderBytes;
            kestrel.Limits.RequestHeadersTimeout = limits.RequestHeadersTimeout;
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(limits.MinRequestBodyBytesPerSecond, TimeSpan.FromSeconds(5));
            kestrel.Limits.Http2.MaxStreamsPerConnection = options.Http2MaxStreamsPerConnection;
            kestrel.Limits.Http2.KeepAlivePingDelay = options.KeepAlivePingInterval;
            kestrel.Limits.Http2.KeepAlivePingTimeout = options.KeepAlivePingTimeout;
            kestrel.Limits.Http2.InitialConnectionWindowSize = limits.Http2ConnectionWindowBytes;
            kestrel.Limits.Http2.InitialStreamWindowSize = limits.Http2StreamWindowBytes;
            kestrel.Limits.Http2.MaxFrameSize = limits.Http2MaxFrameBytes;
            kestrel.ApplicationServices.GetRequiredService<GatewayListeners>().Configure(kestrel, options);
        });
        return builder;
    }

    /// <summary>Adds the middleware that hides each endpoint on every listener but its own.</summary>
    public static IApplicationBuilder UseListenerFilter(this IApplicationBuilder app) => app.UseMiddleware<ListenerFilterMiddleware>();
}
