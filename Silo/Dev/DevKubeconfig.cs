namespace Plural.Silo.Dev;

/// <summary>A kubeconfig whose cluster is an agent reached through the gateway's tunnel.</summary>
internal static class DevKubeconfig
{
    public static string Render(Uri server, string authorityPem, string token, string contextName) => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: {contextName}
          cluster:
            server: {server}
            certificate-authority-data: {Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(authorityPem))}
        users:
        - name: {contextName}-admin
          user:
            token: {token}
        contexts:
        - name: {contextName}
          context:
            cluster: {contextName}
            user: {contextName}-admin
        current-context: {contextName}
        """;
}
