namespace Plural.Cli;

/// <summary>What <c>plural</c> exits with, so that scripts can tell failures apart (docs/cli.md).</summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>The platform refused or failed the call for a reason not listed below, or could not be reached.</summary>
    public const int Failed = 1;

    /// <summary>The command line is wrong: unknown command or option, missing or malformed value.</summary>
    public const int Usage = 2;

    /// <summary>No profile: run <c>plural login</c> first (or the profile's credential file cannot be read).</summary>
    public const int NotLoggedIn = 3;

    /// <summary>The gateway refused the credential (unauthenticated or not allowed).</summary>
    public const int Refused = 4;

    /// <summary>The agent, token or other named thing does not exist.</summary>
    public const int NotFound = 5;

    /// <summary>The name is taken.</summary>
    public const int AlreadyExists = 6;
}
