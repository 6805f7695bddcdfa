namespace Plural.Gateway.Access;

/// <summary>How a caller proved who it is.</summary>
internal enum CallerKind
{
    /// <summary>The gateway's admin token: the main application or an operator, with access to everything.</summary>
    Admin,

    /// <summary>A user access token issued through <c>ServerApi</c>.</summary>
    UserToken,

    /// <summary>A JWT signed by the main application, naming the user it acts for.</summary>
    MainAppJwt,
}
