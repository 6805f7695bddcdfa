using Npgsql;
using Plural.Gateway.Orleans;

namespace Plural.Silo.Hosting;

/// <summary>
/// Applies the PostgreSQL schema before Orleans starts, when <see cref="OrleansOptions.MigrateOnStart"/> asks for it.
/// Registered ahead of the silo so that the membership table exists when the silo joins. Retries while the
/// database is still starting (common when the whole stack comes up at once).
/// </summary>
internal sealed partial class SchemaMigrationOnStart(IConfiguration configuration, ILogger<SchemaMigrationOnStart> logger) : IHostedService
{
    private static readonly TimeSpan RetryFor = TimeSpan.FromMinutes(2);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var connectionString = ClusterConnectionStrings.Require(configuration, ClusterConnectionStrings.Postgres, "Orleans:MigrateOnStart");
        var schema = new PostgresSchema(connectionString, logger);
        var deadline = DateTime.UtcNow + RetryFor;
        while (true)
        {
            try
            {
                await schema.ApplyAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException ex) when (ex.IsTransient && DateTime.UtcNow < deadline)
            {
                LogRetrying(logger, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 9104, Level = LogLevel.Warning, Message = "PostgreSQL not reachable yet, retrying the schema migration: {Error}")]
    private static partial void LogRetrying(ILogger logger, string error);
}
