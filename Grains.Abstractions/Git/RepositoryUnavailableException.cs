namespace Plural.Grains.Git;

/// <summary>The repository could not be reached or does not have the asked-for commit.</summary>
[GenerateSerializer, Alias("plural.git.RepositoryUnavailableException")]
public sealed class RepositoryUnavailableException : Exception
{
    /// <summary>Creates the exception with a message a user can act on.</summary>
    public RepositoryUnavailableException(string message) : base(message)
    {
    }
}
