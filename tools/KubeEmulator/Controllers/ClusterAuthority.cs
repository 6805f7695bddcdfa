namespace Plural.KubeEmulator.Controllers;

/// <summary>The cluster CA as published to workloads in <c>kube-root-ca.crt</c>; null when serving plain HTTP.</summary>
internal sealed record ClusterAuthority(string? Pem);
