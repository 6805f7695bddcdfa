using System.Text;

namespace Plural.KubeEmulator.Hosting;

/// <summary>Writes a kubeconfig that points kubectl and client libraries at an emulator.</summary>
internal static class Kubeconfig
{
    public const string ContextName = "kube-emulator";

    public static string Render(Uri server, string? authorityPem, string user, string token, string defaultNamespace)
    {
        var yaml = new StringBuilder();
        yaml.AppendLine("apiVersion: v1");
        yaml.AppendLine("kind: Config");
        yaml.AppendLine("preferences: {}");
        yaml.AppendLine("clusters:");
        yaml.AppendLine($"- name: {ContextName}");
        yaml.AppendLine("  cluster:");
        yaml.AppendLine($"    server: {server.GetLeftPart(UriPartial.Authority)}");
        if (authorityPem is not null)
            yaml.AppendLine($"    certificate-authority-data: {Convert.ToBase64String(Encoding.ASCII.GetBytes(authorityPem))}");
        yaml.AppendLine("contexts:");
        yaml.AppendLine($"- name: {ContextName}");
        yaml.AppendLine("  context:");
        yaml.AppendLine($"    cluster: {ContextName}");
        yaml.AppendLine($"    user: {Quote(user)}");
        yaml.AppendLine($"    namespace: {Quote(defaultNamespace)}");
        yaml.AppendLine($"current-context: {ContextName}");
        yaml.AppendLine("users:");
        yaml.AppendLine($"- name: {Quote(user)}");
        yaml.AppendLine("  user:");
        yaml.AppendLine($"    token: {Quote(token)}");
        return yaml.ToString();
    }

    public static async Task WriteAsync(string path, string content, CancellationToken ct)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(path, content, ct);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
