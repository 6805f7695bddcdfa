using Plural.Protocol.Hosting;

namespace Plural.AgentK;

/// <summary>What <c>Plural.AgentK</c> accepts on its command line: no subcommands, configuration arguments, <c>--help</c>, <c>--version</c>.</summary>
internal static class AgentKCommandLine
{
    public const string Program = "Plural.AgentK";

    private const string Usage = """
        Usage: Plural.AgentK [--Agent:Key=value ...]
               Plural.AgentK --help | --version

        The Plural agent: dials out to a gateway and serves its Kubernetes API server through the tunnel.

        Main configuration keys (command line --Agent:Key=value, environment Agent__Key=value):
          --Agent:GatewayUrl        gateway agent listener, https:// or http:// (required)
          --Agent:GatewayCaFile     PEM file with the CAs the gateway's certificate must chain to
          --Agent:Token / --Agent:TokenFile / env AGENTK_TOKEN   the agent token (required)
          --Agent:Upstream:Url      the Kubernetes API server (default https://kubernetes.default.svc)
          --Agent:ObservabilityUrl  /healthz, /readyz, /status listener (default http://0.0.0.0:8080)
        Relative paths are read from the working directory.

        Every key, its default and unit: docs/agentk.md and docs/configuration.md.
        Bad configuration prints 'error: <key>: <what is wrong>' and exits with code 2.

        """;

    public static HostCommandLine Instance { get; } = new(Program, [], Usage);
}
