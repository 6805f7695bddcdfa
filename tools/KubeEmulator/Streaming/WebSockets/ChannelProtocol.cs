namespace Plural.KubeEmulator.Streaming.WebSockets;

/// <summary>
/// The WebSocket subprotocols of exec and attach. Every message starts with its channel (0 stdin,
/// 1 stdout, 2 stderr, 3 error, 4 resize); base64 variants send text messages whose channel is an ASCII
/// digit. v4 reports the exit as a JSON Status; v5 adds the client's half-close signal, 255 then a channel.
/// </summary>
internal sealed record ChannelProtocol(string Name, bool Base64, bool StatusAsJson, bool SupportsClose)
{
    public static readonly ChannelProtocol V5 = new("v5.channel.k8s.io", Base64: false, StatusAsJson: true, SupportsClose: true);

    public static readonly ChannelProtocol V4 = new("v4.channel.k8s.io", Base64: false, StatusAsJson: true, SupportsClose: false);

    public static readonly ChannelProtocol V4Base64 = new("v4.base64.channel.k8s.io", Base64: true, StatusAsJson: true, SupportsClose: false);

    public static readonly ChannelProtocol V1 = new("channel.k8s.io", Base64: false, StatusAsJson: false, SupportsClose: false);

    public static readonly ChannelProtocol V1Base64 = new("base64.channel.k8s.io", Base64: true, StatusAsJson: false, SupportsClose: false);

    /// <summary>What a client that names no subprotocol gets: binary channels, text errors, like the kubelet.</summary>
    public static readonly ChannelProtocol Unnamed = new("", Base64: false, StatusAsJson: false, SupportsClose: false);

    public static readonly IReadOnlyList<ChannelProtocol> Supported = [V5, V4, V4Base64, V1, V1Base64];

    /// <summary>What the kubelet's WebSocket port-forward speaks (plus no subprotocol at all).</summary>
    public static readonly IReadOnlyList<ChannelProtocol> PortForward = [V4, V4Base64];

    /// <summary>The first of the client's protocols this server speaks, in the client's order.</summary>
    public static ChannelProtocol? Negotiate(IList<string> requested)
    {
        if (requested.Count == 0) return Unnamed;
        foreach (var name in requested)
        {
            if (Supported.FirstOrDefault(p => p.Name == name) is { } protocol) return protocol;
        }
        return null;
    }
}
