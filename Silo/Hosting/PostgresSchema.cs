using Npgsql;

namespace Plural.Silo.Hosting;

/// <summary>
/// Creates the Orleans ADO.NET tables in PostgreSQL from the scripts shipped in the silo (see Sql/README.md).
/// Safe to run any number of times and from several silos at once: a script runs only when the table it creates
/// is missing, all under one advisory lock, each in its own transaction.
/// </summary>
public sealed partial class PostgresSchema(string connectionString, ILogger logger)
{
    // Any constant works; it only has to be the same in every silo of every version.
    private const long MigrationLockKey = 0x506c7572616c;

    /// <summary>The scripts in the order they must run, each with the table whose presence means it already ran.</summary>
    public static IReadOnlyList<(string Script, string Table)> Scripts { get; } =
    [
        ("PostgreSQL-Main.sql", "orleansquery"),
        ("PostgreSQL-Clustering.sql", "orleansmembershiptable"),
        ("PostgreSQL-Persistence.sql", "orleansstorage"),
        ("PostgreSQL-Reminders.sql", "orleansreminderstable"),
    ];

    /// <summary>Applies the missing scripts; returns the names of the scripts it ran.</summary>
    public async Task<IReadOnlyList<string>> ApplyAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection))
        {
            lockCommand.Parameters.AddWithValue("key", MigrationLockKey);
            await lockCommand.ExecuteNonQueryAsync(ct);
        }

        var applied = new List<string>();
        try
        {
            foreach (var (script, table) in Scripts)
            {
                if (await TableExistsAsync(connection, table, ct))
                {
                    LogSkipped(logger, script, table);
                    continue;
                }

                await using var transaction = await connection.BeginTransactionAsync(ct);
                await using (var command = new NpgsqlCommand(ReadScript(script), connection, transaction))
                {
                    await command.ExecuteNonQueryAsync(ct);
                }

                await transaction.CommitAsync(ct);
                LogApplied(logger, script);
                applied.Add(script);
            }
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
            unlock.Parameters.AddWithValue("key", MigrationLockKey);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }

        return applied;
    }

    private static async Task<bool> TableExistsAsync(NpgsqlConnection connection, string table, CancellationToken ct)
    {
        // current_schemas(false) is the search path the scripts create their tables in.
        await using var command = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables WHERE tablename = @table AND schemaname = ANY (current_schemas(false)))", connection);
        command.Parameters.AddWithValue("table", table);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    private static string ReadScript(string script)
    {
        using var stream = typeof(PostgresSchema).Assembly.GetManifestResourceStream("Plural.Silo.Hosting.Sql." + script)
            ?? throw new InvalidOperationException($"The schema script {script} is not embedded in the silo; the build is broken.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [LoggerMessage(EventId = 9101, Level = LogLevel.Information, Message = "Applied the Orleans schema script {Script}")]
    private static partial void LogApplied(ILogger logger, string script);

    [LoggerMessage(EventId = 9102, Level = LogLevel.Information, Message = "Schema script {Script} already applied (table {Table} exists)")]
    private static partial void LogSkipped(ILogger logger, string script, string table);
}
