using Npgsql;

using Plural.Testing.Processes;

namespace Plural.Testing.Servers;

/// <summary>
/// A throwaway PostgreSQL server from the installed binaries: its own data directory and a free loopback port,
/// no durability settings (the tests restart Orleans, not the database), removed on dispose.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string ServiceUser = "nobody";

    private readonly string _directory;
    private readonly string _pgCtl;
    private readonly string? _runAs;

    private PostgresServer(string directory, string pgCtl, string? runAs, int port)
    {
        _directory = directory;
        _pgCtl = pgCtl;
        _runAs = runAs;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Connection string of a database of its own.</summary>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Timeout=5";

    public static async Task<PostgresServer> StartAsync()
    {
        var versions = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => d).Select(d => Path.Combine(d, "bin")).ToArray()
            : [];
        var initdb = ExternalTool.Find("initdb", versions)
            ?? throw new InvalidOperationException("PostgreSQL is not installed (no initdb); test.sh installs it.");
        var pgCtl = Path.Combine(Path.GetDirectoryName(initdb)!, "pg_ctl");
        var directory = Directory.CreateTempSubdirectory("plural-pg-").FullName;
        // PostgreSQL refuses to run as root: hand the directory to an unprivileged user.
        var runAs = ExternalTool.IsRoot ? ServiceUser : null;
        if (runAs is not null)
        {
            await ExternalTool.RunAsync("chown", [$"{runAs}:", directory]);
        }

        var data = Path.Combine(directory, "data");
        await ExternalTool.RunAsync(initdb, ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"], runAs);
        var port = FreePort.Next();
        var server = new PostgresServer(directory, pgCtl, runAs, port);
        await ExternalTool.RunAsync(pgCtl,
        [
            "-D", data, "-l", Path.Combine(directory, "server.log"), "-w", "-t", "60",
            "-o", $"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={directory} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
            "start",
        ], runAs, TimeSpan.FromSeconds(90));
        return server;
    }

    public async Task CreateDatabaseAsync(string database)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<long> ScalarAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await ExternalTool.RunAsync(_pgCtl, ["-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop"], _runAs);
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
