using Npgsql;

namespace Plural.Topology.Tests.Storage;

/// <summary>
/// <c>Plural.Silo migrate</c> against a real PostgreSQL: an upgrade runs exactly the scripts the database is missing,
/// recorded with their versions, and a database from a newer release is refused.
/// </summary>
public sealed class SchemaMigrationTests : IAsyncLifetime
{
    private const int Latest = 4;
    private PostgresServer _postgres = null!;

    public async Task InitializeAsync() => _postgres = await PostgresServer.StartAsync();

    public async Task DisposeAsync() => await _postgres.DisposeAsync();

    [Fact]
    public async Task Migrate_runs_every_script_once_on_an_empty_database_and_nothing_the_second_time()
    {
        var database = await NewDatabaseAsync();

        var first = await MigrateAsync(database);
        var second = await MigrateAsync(database);

        Assert.True(first.ExitCode == 0, first.ToString());
        for (var version = 1; version <= Latest; version++)
        {
            Assert.Contains($"migrate: applied version {version} (", first.StandardOutput);
        }

        Assert.Contains($"migrate: the schema is at version {Latest}.", first.StandardOutput);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.DoesNotContain("applied version", second.StandardOutput);
        Assert.Contains($"migrate: the schema is at version {Latest}, up to date.", second.StandardOutput);
        Assert.Equal(Latest, await _postgres.ScalarAsync(database, "SELECT count(*) FROM plural_schema_version WHERE how = 'applied'"));
        Assert.Equal(1, await _postgres.ScalarAsync(database, "SELECT count(*) FROM pg_tables WHERE tablename = 'orleansmembershiptable'"));
    }

    [Fact]
    public async Task Migrate_adopts_the_tables_of_a_database_set_up_by_hand_without_running_their_scripts_again()
    {
        var database = await NewDatabaseAsync();
        // As a DBA following Sql/README.md would, or a silo from before versions were recorded.
        foreach (var script in new[] { "PostgreSQL-Main.sql", "PostgreSQL-Clustering.sql" })
        {
            await ExecuteAsync(database, await File.ReadAllTextAsync(Path.Combine(RepositoryLayout.Root, "Silo", "Hosting", "Sql", script)));
        }

        var result = await MigrateAsync(database);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("migrate: version 1 (PostgreSQL-Main.sql) adopted", result.StandardOutput);
        Assert.Contains("migrate: version 2 (PostgreSQL-Clustering.sql) adopted", result.StandardOutput);
        Assert.Contains("migrate: applied version 3 (", result.StandardOutput);
        Assert.Contains("migrate: applied version 4 (", result.StandardOutput);
        Assert.Equal(2, await _postgres.ScalarAsync(database, "SELECT count(*) FROM plural_schema_version WHERE how = 'adopted'"));
    }

    [Fact]
    public async Task An_upgrade_runs_only_the_version_the_database_is_missing()
    {
        var database = await NewDatabaseAsync();
        Assert.Equal(0, (await MigrateAsync(database)).ExitCode);
        // The database as the release before version 4 left it.
        await ExecuteAsync(database, "DROP TABLE orleansreminderstable; DROP FUNCTION upsert_reminder_row, delete_reminder_row; " +
            "DELETE FROM orleansquery WHERE querykey LIKE '%Reminder%' OR querykey LIKE 'ReadRangeRows%'; DELETE FROM plural_schema_version WHERE version = 4;");

        var upgrade = await MigrateAsync(database);

        Assert.True(upgrade.ExitCode == 0, upgrade.ToString());
        Assert.Equal($"migrate: applied version 4 (PostgreSQL-Reminders.sql).\nmigrate: the schema is at version {Latest}.",
            upgrade.StandardOutput.Trim().ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task A_database_migrated_by_a_newer_release_is_refused_by_migrate_and_by_a_silo_that_migrates_on_start()
    {
        var database = await NewDatabaseAsync();
        Assert.Equal(0, (await MigrateAsync(database)).ExitCode);
        await ExecuteAsync(database, "INSERT INTO plural_schema_version (version, script, checksum, how) VALUES (7, 'from-the-future.sql', 'x', 'applied')");

        var migrate = await MigrateAsync(database);
        var silo = await StartSiloAsync(_postgres.ConnectionString(database), "--Orleans:MigrateOnStart=true");

        Assert.Equal(1, migrate.ExitCode);
        Assert.Equal([$"error: the database schema is at version 7, newer than this release knows ({Latest}); run the newer release, or restore the backup taken before its upgrade"],
            migrate.Errors);
        Assert.True(silo.ExitCode == 1, silo.ToString());
        Assert.Contains($"error: the database schema is at version 7, newer than this release knows ({Latest})", silo.StandardError);
    }

    [Fact]
    public async Task A_silo_whose_database_was_never_migrated_or_cannot_be_reached_says_so_in_one_error_line()
    {
        var unmigrated = await StartSiloAsync(_postgres.ConnectionString(await NewDatabaseAsync()));
        var unreachable = await StartSiloAsync($"Host=127.0.0.1;Port={FreePort.Next()};Username=postgres;Database=plural;Timeout=3");

        Assert.True(unmigrated.ExitCode == 1, unmigrated.ToString());
        Assert.Contains(unmigrated.ErrorLines, l => l.StartsWith("error: ConnectionStrings:Postgres: the database has no Orleans schema", StringComparison.Ordinal)
            && l.EndsWith("run 'Plural.Silo migrate' or set Orleans:MigrateOnStart=true", StringComparison.Ordinal));
        Assert.True(unreachable.ExitCode == 1, unreachable.ToString());
        Assert.Contains(unreachable.ErrorLines, l => l.StartsWith("error: ConnectionStrings:Postgres: the database cannot be used: Failed to connect to 127.0.0.1:", StringComparison.Ordinal));
        Assert.DoesNotContain("Unhandled exception", unmigrated.StandardError + unreachable.StandardError);
    }

    private static Task<ProductRunResult> StartSiloAsync(string connectionString, params string[] extra) =>
        ProductRun.RunAsync("Silo",
        [
            "--Orleans:HostGateway=false", "--Orleans:Tls:Enabled=false", "--Orleans:ClusteringProvider=Postgres", "--Orleans:StorageProvider=Postgres",
            $"--ConnectionStrings:Postgres={connectionString}", $"--urls=http://127.0.0.1:{FreePort.Next()}",
            $"--Orleans:SiloPort={FreePort.Next()}", $"--Orleans:GatewayPort={FreePort.Next()}", .. extra,
        ], timeout: TimeSpan.FromMinutes(2));

    private async Task<string> NewDatabaseAsync()
    {
        var name = "schema_" + Guid.NewGuid().ToString("N")[..8];
        await _postgres.CreateDatabaseAsync(name);
        return name;
    }

    private Task<ProductRunResult> MigrateAsync(string database) =>
        ProductRun.RunAsync("Silo", ["migrate", $"--ConnectionStrings:Postgres={_postgres.ConnectionString(database)}", "--Logging:LogLevel:Default=Warning"]);

    private async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(_postgres.ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
