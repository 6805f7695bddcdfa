namespace Plural.KubeEmulator.Api;

/// <summary>Hands out service cluster IPs and node ports, each once per emulator instance.</summary>
internal sealed class ClusterNetwork
{
    private int _nextIp = 10;
    private int _nextNodePort = 30000;

    public string NextClusterIp()
    {
        var n = Interlocked.Increment(ref _nextIp);
        return $"10.96.{n / 250 % 250}.{n % 250 + 1}";
    }

    public int NextNodePort() => 30000 + (Interlocked.Increment(ref _nextNodePort) - 30000) % 2768;
}
