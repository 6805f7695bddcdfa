namespace Plural.Grains.Git;

/// <summary>A username and password (or token) for remotes whose URL starts with <see cref="UrlPrefix"/>.</summary>
public sealed class GitCredential
{
    /// <summary>E.g. <c>https://git.example.com/platform/</c>.</summary>
    public string UrlPrefix { get; set; } = "";

    /// <summary>The user name; for token-only hosts any non-empty name.</summary>
    public string Username { get; set; } = "";

    /// <summary>The password or access token.</summary>
    public string Password { get; set; } = "";
}
