using Npgsql;
using Plural.Gateway.Orleans;
using Plural.Protocol.Hosting;

namespace Plural.Silo.Hosting;

/// <summary>
/// <c>Plural.Silo migrate</c>: brings the PostgreSQL database of <c>ConnectionStrings:Postgres</c> to this release's
/// schema version, running only the scripts it is missing.
/// </summary>
public static partial class SchemaMigrationCommand
{
    /// <summary>Runs the command; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        using var host = builder.Build();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SchemaMigrationCommand));
        var connectionString = builder.Configuration.GetConnectionString(ClusterConnectionStrings.Postgres);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            await Console.Error.WriteLineAsync("error: ConnectionStrings:Postgres: is required (environment: ConnectionStrings__Postgres)");
            return HostCommandLine.UsageError;
        }

        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            var migration = await new PostgresSchema(connectionString, logger).ApplyAsync(stop.Token);
            foreach (var script in migration.Adopted)
            {
                Console.WriteLine($"migrate: version {script.Version} ({script.Script}) adopted: its table {script.Table} was already there.");
            }

            foreach (var script in migration.Applied)
            {
                Console.WriteLine($"migrate: applied version {script.Version} ({script.Script}).");
            }

            foreach (var script in migration.Changed)
            {
                await Console.Error.WriteLineAsync($"migrate: warning: version {script.Version} ({script.Script}) was applied from a different text than this release ships.");
            }

            Console.WriteLine(migration.Applied.Count + migration.Adopted.Count == 0
                ? $"migrate: the schema is at version {migration.Version}, up to date."
                : $"migrate: the schema is at version {migration.Version}.");
            return 0;
        }
        catch (SchemaTooNewException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }
        catch (Exception ex) when (ex is NpgsqlException or ArgumentException or OperationCanceledException)
        {
            // ArgumentException is how Npgsql reports a malformed connection string.
            LogFailed(logger, ex.GetType().Name, ex.Message);
            await Console.Error.WriteLineAsync($"migrate: failed: {ex.Message}");
            return 1;
        }
    }

    [LoggerMessage(EventId = 9103, Level = LogLevel.Error, Message = "Schema migration failed ({ErrorType}): {Error}")]
    private static partial void LogFailed(ILogger logger, string errorType, string error);
}
