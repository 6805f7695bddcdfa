using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Plural.Silo.Hosting;

/// <summary>
/// Brings the PostgreSQL database to the schema this release ships (the Orleans ADO.NET tables, see Sql/README.md).
/// Each script that ran is recorded with its version and checksum in <c>plural_schema_version</c>, so an upgrade runs
/// exactly the scripts it is missing and a database from a newer release is refused instead of being half-understood.
/// Safe to run any number of times and from several silos at once: all under one advisory lock, each script and its
/// record in one transaction.
/// </summary>
public sealed partial class PostgresSchema(string connectionString, ILogger logger)
{
    /// <summary>The table that records the applied versions.</summary>
    public const string VersionTable = "plural_schema_version";

    // Any constant works; it only has to be the same in every silo of every version.
    private const long MigrationLockKey = 0x506c7572616c;

    /// <summary>The scripts in the order they must run. Append only: a released script never changes or moves.</summary>
    public static IReadOnlyList<SchemaScript> Scripts { get; } =
    [
        new(1, "PostgreSQL-Main.sql", "orleansquery"),
        new(2, "PostgreSQL-Clustering.sql", "orleansmembershiptable"),
        new(3, "PostgreSQL-Persistence.sql", "orleansstorage"),
        new(4, "PostgreSQL-Reminders.sql", "orleansreminderstable"),
    ];

    /// <summary>The version this release brings a database to.</summary>
    public static int LatestVersion => Scripts[^1].Version;

    /// <summary>Applies the missing scripts.</summary>
    /// <exception cref="SchemaTooNewException">The database was migrated by a newer release.</exception>
    public async Task<SchemaMigration> ApplyAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await ExecuteAsync(connection, "SELECT pg_advisory_lock(@key)", ct, ("key", MigrationLockKey));
        try
        {
            await ExecuteAsync(connection,
                $"CREATE TABLE IF NOT EXISTS {VersionTable} (version integer PRIMARY KEY, script text NOT NULL, checksum text NOT NULL, " +
                "how text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())", ct);
            var recorded = await RecordedAsync(connection, ct);
            if (recorded.Count > 0 && recorded.Keys.Max() > LatestVersion)
            {
                throw new SchemaTooNewException(recorded.Keys.Max(), LatestVersion);
            }

            var (applied, adopted, changed) = (new List<SchemaScript>(), new List<SchemaScript>(), new List<SchemaScript>());
            foreach (var script in Scripts)
            {
                var text = ReadScript(script.Script);
                if (recorded.TryGetValue(script.Version, out var checksum))
                {
                    if (checksum != Checksum(text))
                    {
                        LogChanged(logger, script.Version, script.Script);
                        changed.Add(script);
                    }

                    continue;
                }

                await using var transaction = await connection.BeginTransactionAsync(ct);
                var adopt = await TableExistsAsync(connection, script.Table, ct);
                if (!adopt)
                {
                    await using var command = new NpgsqlCommand(text, connection, transaction);
                    await command.ExecuteNonQueryAsync(ct);
                }

                await ExecuteAsync(connection, $"INSERT INTO {VersionTable} (version, script, checksum, how) VALUES (@version, @script, @checksum, @how)", ct,
                    ("version", script.Version), ("script", script.Script), ("checksum", Checksum(text)), ("how", adopt ? "adopted" : "applied"));
                await transaction.CommitAsync(ct);
                if (adopt)
                {
                    LogAdopted(logger, script.Version, script.Script, script.Table);
                    adopted.Add(script);
                }
                else
                {
                    LogApplied(logger, script.Version, script.Script);
                    applied.Add(script);
                }
            }

            return new SchemaMigration(applied, adopted, changed, LatestVersion);
        }
        finally
        {
            await ExecuteAsync(connection, "SELECT pg_advisory_unlock(@key)", CancellationToken.None, ("key", MigrationLockKey));
        }
    }

    private static async Task<Dictionary<int, string>> RecordedAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var recorded = new Dictionary<int, string>();
        await using var command = new NpgsqlCommand($"SELECT version, checksum FROM {VersionTable}", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            recorded[reader.GetInt32(0)] = reader.GetString(1);
        }

        return recorded;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<bool> TableExistsAsync(NpgsqlConnection connection, string table, CancellationToken ct)
    {
        // current_schemas(false) is the search path the scripts create their tables in.
        await using var command = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables WHERE tablename = @table AND schemaname = ANY (current_schemas(false)))", connection);
        command.Parameters.AddWithValue("table", table);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    private static string Checksum(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\n"))));

    private static string ReadScript(string script)
    {
        using var stream = typeof(PostgresSchema).Assembly.GetManifestResourceStream("Plural.Silo.Hosting.Sql." + script)
            ?? throw new InvalidOperationException($"The schema script {script} is not embedded in the silo; the build is broken.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [LoggerMessage(EventId = 9101, Level = LogLevel.Information, Message = "Applied schema version {Version} ({Script})")]
    private static partial void LogApplied(ILogger logger, int version, string script);

    [LoggerMessage(EventId = 9102, Level = LogLevel.Information, Message = "Schema version {Version} ({Script}) adopted: table {Table} was already there")]
    private static partial void LogAdopted(ILogger logger, int version, string script, string table);

    [LoggerMessage(EventId = 9105, Level = LogLevel.Warning,
        Message = "Schema version {Version} ({Script}) was applied from a different text than this release ships; released scripts must not change")]
    private static partial void LogChanged(ILogger logger, int version, string script);
}
