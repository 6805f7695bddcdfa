using Plural.Protocol.Hosting;

namespace Plural.Gateway.Hosting;

/// <summary>What the stand-alone <c>Plural.Gateway</c> accepts on its command line: no subcommands, configuration arguments, <c>--help</c>, <c>--version</c>.</summary>
internal static class GatewayCommandLine
{
    public const string Program = "Plural.Gateway";

    private const string Usage = """
        Usage: Plural.Gateway [--Key=value ...]
               Plural.Gateway --help | --version

        A stand-alone Plural gateway: an Orleans client of the silo cluster serving agents, the ServerApi,
        the Kubernetes proxy and /cable. (Plural.Silo runs one in the silo process too.)

        Main configuration keys (command line --Key=value, environment Key__Sub=value):
          --Orleans:ClusteringProvider   Localhost, Postgres or Redis; with ConnectionStrings:Postgres or :Redis
          --Orleans:Tls:CertificateFile / KeyFile / CaFile   PEM files of mutual TLS to the silos (required
                                         with Postgres or Redis clustering)
          --Gateway:AgentListenUrl       agent gRPC listener (default https://127.0.0.1:8150)
          --Gateway:ApiListenUrl         ServerApi listener
          --Gateway:HttpListenUrl        Kubernetes proxy, /cable, the dashboard
          --Gateway:OperationsListenUrl  /healthz, /readyz, /metrics, /admin/drain (required unless AllowInsecure)
          --Gateway:TlsCertificateFile / --Gateway:TlsKeyFile   PEM certificate and key of the listeners
          --Gateway:AdminTokensFile      named administrator credentials, as sha256 hashes, one per line
          --Gateway:Peer:SecretFile      secret the gateways sign their peer tokens with
        Relative paths are read from the working directory.

        Every key, its default and unit: docs/configuration.md; running it: docs/operations.md.
        Bad configuration prints 'error: <key>: <what is wrong>' and exits with code 2.

        """;

    public static HostCommandLine Instance { get; } = new(Program, [], Usage);
}
