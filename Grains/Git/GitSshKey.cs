namespace Plural.Grains.Git;

/// <summary>
/// A deploy key for SSH remotes whose URL starts with <see cref="UrlPrefix"/>, with the host keys those remotes must
/// present. An SSH remote with no matching entry is refused: the silo never falls back to its own keys or to trusting
/// a host key on first use.
/// </summary>
public sealed class GitSshKey
{
    /// <summary>E.g. <c>ssh://git@git.example.com/platform/</c>.</summary>
    public string UrlPrefix { get; set; } = "";

    /// <summary>The private key file (OpenSSH format, no passphrase), e.g. a mounted Kubernetes secret.</summary>
    public string PrivateKeyFile { get; set; } = "";

    /// <summary>An OpenSSH <c>known_hosts</c> file holding the host keys the remote may present.</summary>
    public string KnownHostsFile { get; set; } = "";
}
