namespace Plural.Protocol.Peers;

/// <summary>The outcome of checking a peer token.</summary>
public enum PeerTokenCheck
{
    /// <summary>Signed with the shared secret for this very request, and within its lifetime.</summary>
    Valid,
    /// <summary>Not a peer token at all.</summary>
    Malformed,
    /// <summary>Signed with another secret, or for another request (gateway, agent, method, path, identity).</summary>
    WrongSignature,
    /// <summary>Outside its lifetime (beyond the clock skew allowed), or with a lifetime longer than allowed.</summary>
    Expired,
}
