namespace Plural.Cli.Kubeconfigs;

/// <summary>One cluster, user and context that reach an agent through the gateway, under one name.</summary>
/// <param name="Name">The context's name, also the cluster's; the user entry is <c>{Name}-{User}</c>.</param>
/// <param name="Server">The gateway's <c>/k8s-proxy/{agent}</c> URL.</param>
/// <param name="CertificateAuthorityData">Base64 PEM of the CA that signs the gateway's certificate, or null.</param>
/// <param name="User">The user the token acts for.</param>
/// <param name="Token">The user token.</param>
public sealed record KubeconfigEntry(string Name, string Server, string? CertificateAuthorityData, string User, string Token)
{
    /// <summary>The user entry's name.</summary>
    public string UserEntry => $"{Name}-{User}";
}
