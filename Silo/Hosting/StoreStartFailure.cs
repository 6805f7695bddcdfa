using Npgsql;
using StackExchange.Redis;

namespace Plural.Silo.Hosting;

/// <summary>
/// A silo whose cluster store cannot be used at start says so in one <c>error:</c> line naming the setting, instead
/// of an unhandled exception: the store is down or unreachable, or its schema was never migrated.
/// </summary>
public static class StoreStartFailure
{
    /// <summary>Writes the line and returns true when <paramref name="exception"/> is a store failure.</summary>
    public static bool TryReport(Exception exception, TextWriter error)
    {
        var line = exception switch
        {
            PostgresException { SqlState: PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.UndefinedFunction } missing =>
                $"error: ConnectionStrings:Postgres: the database has no Orleans schema ({missing.MessageText}); run 'Plural.Silo migrate' or set Orleans:MigrateOnStart=true",
            NpgsqlException postgres => $"error: ConnectionStrings:Postgres: the database cannot be used: {postgres.Message}",
            RedisConnectionException redis => $"error: ConnectionStrings:Redis: Redis cannot be reached: {redis.Message}",
            _ => null,
        };
        if (line is null)
        {
            return false;
        }

        error.WriteLine(line);
        return true;
    }
}
