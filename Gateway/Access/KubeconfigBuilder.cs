using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Plural.Gateway.Listeners;

namespace Plural.Gateway.Access;

/// <summary>
/// Writes kubeconfigs that point kubectl at agents through this gateway's Kubernetes proxy: one cluster and one
/// context per agent, all using the same user token.
/// </summary>
public sealed class KubeconfigBuilder(IOptions<AccessOptions> options, GatewayListeners listeners)
{
    /// <summary>
    /// The path under which kubeconfigs reach an agent (<c>/k8s-proxy/{agent}</c>). Users hold these URLs, so the
    /// Kubernetes proxy serves the path the kubeconfigs name.
    /// </summary>
    public const string ProxyPrefix = "/k8s-proxy";

    private readonly Lazy<string?> _caData = new(() =>
        string.IsNullOrWhiteSpace(options.Value.KubeconfigCaFile) ? null
            : Convert.ToBase64String(File.ReadAllBytes(options.Value.KubeconfigCaFile)));

    /// <summary>The base URL written into kubeconfigs.</summary>
    public string ServerUrl => (options.Value.KubeconfigServerUrl ?? listeners.UrlOf(ListenerKind.Http).ToString()).TrimEnd('/');

    /// <summary>A kubeconfig for <paramref name="agents"/> (the first is the current context) with <paramref name="token"/>.</summary>
    public string Build(IReadOnlyList<string> agents, string token, string userName)
    {
        // JSON strings are valid YAML scalars, which makes quoting exact without a YAML library.
        static string Q(string value) => JsonSerializer.Serialize(value);
        var user = "plural-" + userName;
        var yaml = new StringBuilder()
            .AppendLine("apiVersion: v1")
            .AppendLine("kind: Config")
            .AppendLine("clusters:");
        foreach (var agent in agents)
        {
            yaml.AppendLine($"- name: {Q(agent)}")
                .AppendLine("  cluster:")
                .AppendLine($"    server: {Q($"{ServerUrl}{ProxyPrefix}/{agent}")}");
            if (_caData.Value is { } ca)
            {
                yaml.AppendLine($"    certificate-authority-data: {ca}");
            }
        }

        yaml.AppendLine("contexts:");
        foreach (var agent in agents)
        {
            yaml.AppendLine($"- name: {Q(agent)}")
                .AppendLine("  context:")
                .AppendLine($"    cluster: {Q(agent)}")
                .AppendLine($"    user: {Q(user)}");
        }

        yaml.AppendLine($"current-context: {Q(agents.Count > 0 ? agents[0] : "")}")
            .AppendLine("users:")
            .AppendLine($"- name: {Q(user)}")
            .AppendLine("  user:")
            .AppendLine($"    token: {Q(token)}");
        return yaml.ToString();
    }
}
