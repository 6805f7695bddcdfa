using Npgsql;
using Plural.Gateway.Orleans;
using Plural.Protocol.Hosting;

namespace Plural.Silo.Hosting;

/// <summary><c>Plural.Silo migrate</c>: creates the Orleans tables in the PostgreSQL database of <c>ConnectionStrings:Postgres</c>.</summary>
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
            var applied = await new PostgresSchema(connectionString, logger).ApplyAsync(stop.Token);
            Console.WriteLine(applied.Count == 0
                ? "migrate: the Orleans schema is up to date."
                : $"migrate: applied {string.Join(", ", applied)}.");
            return 0;
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
