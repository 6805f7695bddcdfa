namespace Plural.KubeEmulator.Streaming.Commands;

/// <summary>
/// A small read-only file tree that looks like a Debian-based image: the usual top-level directories,
/// the files the kubelet mounts (<c>/etc/hosts</c>, <c>/etc/resolv.conf</c>, <c>/etc/hostname</c>, the
/// service account's <c>ca.crt</c>, <c>namespace</c> and <c>token</c>) and the working directory.
/// </summary>
internal sealed class ContainerFileSystem
{
    private const string ServiceAccount = "/var/run/secrets/kubernetes.io/serviceaccount";

    private readonly Dictionary<string, string> _files = new(StringComparer.Ordinal);
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal);

    public ContainerFileSystem(string podName, string ns, string? podIp, string? clusterCaPem, string? serviceAccountToken, string workingDirectory)
    {
        foreach (var dir in new[] { "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/media", "/mnt", "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr/bin", "/usr/local/bin", "/usr/sbin", "/var/log", ServiceAccount })
        {
            AddDirectory(dir);
        }
        AddDirectory(workingDirectory);
        _files["/etc/hostname"] = podName + "\n";
        _files["/etc/hosts"] = $"# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n{podIp ?? "10.244.0.2"}\t{podName}\n";
        _files["/etc/resolv.conf"] = $"search {ns}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n";
        _files["/etc/os-release"] = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n";
        _files["/etc/passwd"] = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
        _files[ServiceAccount + "/namespace"] = ns;
        if (clusterCaPem is not null) _files[ServiceAccount + "/ca.crt"] = clusterCaPem;
        if (serviceAccountToken is not null) _files[ServiceAccount + "/token"] = serviceAccountToken;
        foreach (var file in _files.Keys) AddDirectory(Parent(file));
    }

    public bool IsDirectory(string path) => _directories.Contains(path);

    public string? Read(string path) => _files.GetValueOrDefault(path);

    public bool Exists(string path) => IsDirectory(path) || _files.ContainsKey(path);

    /// <summary>Names directly inside a directory, sorted as <c>ls</c> sorts them.</summary>
    public IReadOnlyList<string> List(string directory)
    {
        var prefix = directory == "/" ? "/" : directory + "/";
        return _directories.Concat(_files.Keys)
            .Where(p => p.Length > prefix.Length && p.StartsWith(prefix, StringComparison.Ordinal) && p.IndexOf('/', prefix.Length) < 0)
            .Select(p => p[prefix.Length..])
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Resolves <paramref name="path"/> against <paramref name="cwd"/>, folding <c>.</c> and <c>..</c>.</summary>
    public static string Normalize(string cwd, string path)
    {
        var parts = new List<string>();
        foreach (var part in (path.StartsWith('/') ? path : cwd + "/" + path).Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".") continue;
            if (part == "..")
            {
                if (parts.Count > 0) parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        return "/" + string.Join('/', parts);
    }

    private void AddDirectory(string path)
    {
        while (path.Length > 0 && _directories.Add(path) && path != "/") path = Parent(path);
    }

    private static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }
}
