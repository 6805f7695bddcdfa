namespace Plural.Gateway.Tunnels.Peers;

/// <summary>Why a forwarded request was refused, as the HTTP status and message the sending gateway gets.</summary>
/// <param name="Status">401 for a missing, malformed or expired token; 403 for one signed for another request or with another secret.</param>
/// <param name="Message">A reason an operator can act on; never the token.</param>
internal sealed record PeerRefusal(int Status, string Message);
