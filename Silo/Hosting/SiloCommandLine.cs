using Plural.Protocol.Hosting;

namespace Plural.Silo.Hosting;

/// <summary>What <c>Plural.Silo</c> accepts on its command line: the subcommands, configuration arguments, <c>--help</c>, <c>--version</c>.</summary>
internal static class SiloCommandLine
{
    public const string Program = "Plural.Silo";

    /// <summary>The whole platform on one machine (see <c>Dev/DevEnvironment</c>).</summary>
    public const string Dev = "dev";

    /// <summary>Creates the Orleans tables in PostgreSQL (see <see cref="SchemaMigrationCommand"/>).</summary>
    public const string Migrate = "migrate";

    private const string Usage = """
        Usage: Plural.Silo [--Key=value ...]            run a silo (with the gateway unless --Orleans:HostGateway=false)
               Plural.Silo dev [--Key=value ...]        the whole platform on this machine: silo, gateway, a Kubernetes
                                                       emulator and one agent; writes .plural-dev/ in the working directory
               Plural.Silo migrate [--Key=value ...]    create the Orleans tables in ConnectionStrings:Postgres
               Plural.Silo --help | --version

        Main configuration keys (command line --Key=value, environment Key__Sub=value):
          --Orleans:ClusteringProvider / StorageProvider / ReminderProvider   Localhost or Memory, Postgres, Redis
          --ConnectionStrings:Postgres / --ConnectionStrings:Redis           the store's connection string
          --Orleans:ServiceId / --Orleans:ClusterId                          identity of the service and cluster
          --Orleans:HostGateway                                              run the gateway in the silo (default true)
          --Orleans:Tls:CertificateFile / KeyFile / CaFile                   PEM files of Orleans mutual TLS (required
                                                                             with Postgres or Redis clustering)
          --Gateway:...                                                      the co-hosted gateway's keys
        Relative paths are read from the working directory.

        Every key, its default and unit: docs/configuration.md; running it: docs/operations.md.
        Bad configuration prints 'error: <key>: <what is wrong>' and exits with code 2.

        """;

    public static HostCommandLine Instance { get; } = new(Program, [Dev, Migrate], Usage);
}
