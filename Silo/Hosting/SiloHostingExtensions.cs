using Plural.Gateway.Hosting;
using Plural.Grains.Streams;

namespace Plural.Silo.Hosting;

/// <summary>Builds the silo process: Orleans, and the co-hosted gateway unless turned off.</summary>
public static class SiloHostingExtensions
{
    /// <summary>Adds the Orleans silo (and the gateway when <see cref="OrleansOptions.HostGateway"/>).</summary>
    public static WebApplicationBuilder AddPluralSilo(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(OrleansOptions.Section).Get<OrleansOptions>() ?? new OrleansOptions();
        builder.Services.AddOptions<OrleansOptions>().BindConfiguration(OrleansOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
            silo.AddMemoryGrainStorageAsDefault();
            silo.AddMemoryGrainStorage(StreamNames.PubSubStore);
            silo.AddMemoryStreams(StreamNames.Provider);
        });
        if (options.HostGateway)
        {
            builder.AddPluralGateway();
        }

        return builder;
    }

    /// <summary>Maps the gateway's endpoints when it is co-hosted.</summary>
    public static WebApplication MapPluralSilo(this WebApplication app)
    {
        var options = app.Configuration.GetSection(OrleansOptions.Section).Get<OrleansOptions>() ?? new OrleansOptions();
        if (options.HostGateway)
        {
            app.MapPluralGateway();
        }
        else
        {
            app.MapGet("/healthz", () => Results.Text("ok"));
        }

        return app;
    }
}
