using Plural.Gateway.Hosting;
using Plural.Grains.Fleet;
using Plural.Grains.Git;
using Plural.Grains.Streams;
using Plural.Silo.Metrics;

namespace Plural.Silo.Hosting;

/// <summary>Builds the silo process: Orleans, and the co-hosted gateway unless turned off.</summary>
public static class SiloHostingExtensions
{
    /// <summary>Adds the Orleans silo (and the gateway when <see cref="OrleansOptions.HostGateway"/>).</summary>
    public static WebApplicationBuilder AddPluralSilo(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(OrleansOptions.Section).Get<OrleansOptions>() ?? new OrleansOptions();
        OrleansOptionsValidation.ThrowIfInvalid(options, builder.Configuration);
        builder.Services.AddOptions<OrleansOptions>().BindConfiguration(OrleansOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        if (options.MigrateOnStart && OrleansOptionsValidation.UsesPostgres(options))
        {
            // Hosted services start in registration order: this one must finish before the silo joins.
            builder.Services.AddHostedService<SchemaMigrationOnStart>();
        }

        var configuration = builder.Configuration;
        builder.Services.AddGitPolling();
        builder.UseOrleans(silo =>
        {
            silo.UsePluralClustering(options, configuration);
            silo.UsePluralTls(options, configuration);
            silo.AddPluralStorage(options, configuration);
            silo.UsePluralReminders(options, configuration);
            silo.AddAgentDirectory();
            // Orleans' default poll (100 ms) would be most of a change's trip to /cable subscribers.
            silo.AddMemoryStreams(StreamNames.Provider, streams => streams.ConfigurePullingAgent(agent =>
                agent.Configure(pulling => pulling.GetQueueMsgsTimerPeriod = options.StreamPollInterval)));
        });
        if (options.HostGateway)
        {
            builder.AddPluralGateway();
        }
        else
        {
            builder.Services.AddSiloMetrics();
        }

        builder.Services.AddGrainMeters();
        return builder;
    }

    /// <summary>Maps the gateway's endpoints when it is co-hosted, else the silo's own probes and metrics.</summary>
    public static WebApplication MapPluralSilo(this WebApplication app)
    {
        var options = app.Configuration.GetSection(OrleansOptions.Section).Get<OrleansOptions>() ?? new OrleansOptions();
        if (options.HostGateway)
        {
            app.MapPluralGateway();
        }
        else
        {
            app.MapSiloHealth();
            app.MapSiloMetrics();
        }

        return app;
    }
}
