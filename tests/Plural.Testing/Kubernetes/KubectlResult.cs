namespace Plural.Testing.Kubernetes;

/// <summary>How one kubectl command ended.</summary>
public sealed record KubectlResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    public KubectlResult EnsureSuccess() =>
        ExitCode == 0 ? this
            : throw new Xunit.Sdk.XunitException($"kubectl {Command} exited {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}");
}
