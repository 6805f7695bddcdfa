using System.Security.Cryptography.X509Certificates;

namespace Plural.Gateway.Orleans;

/// <summary>One consistent reading of the TLS files: this process's certificate (with its key) and the cluster CA(s).</summary>
internal sealed record ClusterCredentials(X509Certificate2 Certificate, X509Certificate2Collection Authorities);
