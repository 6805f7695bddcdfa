using System.Net.Http.Headers;

namespace Plural.AgentK.Upstream;

/// <summary>
/// Makes the upstream act as the identity the gateway chose: the agent's own credentials plus Kubernetes
/// <c>Impersonate-*</c> headers, so the cluster's RBAC decides what the user may do. Any impersonation headers
/// the caller sent are dropped first; only the gateway picks the identity.
/// </summary>
internal static class ImpersonationHeaders
{
    private const string Prefix = "Impersonate-";

    /// <summary>Sets the identity's headers; true when some are repeated lines (see <see cref="RepeatedHeaderStream"/>).</summary>
    public static bool Apply(Protocol.Agent.Impersonation identity, HttpRequestMessage request)
    {
        RemoveCallerHeaders(request.Headers);
        if (identity.User.Length == 0)
        {
            throw new RequestRejectedException("an impersonation without a user name");
        }

        request.Headers.TryAddWithoutValidation("Impersonate-User", identity.User);
        var repeated = AddRepeated(request, "Impersonate-Group", identity.Groups);

        if (identity.Uid.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Impersonate-Uid", identity.Uid);
        }

        foreach (var extra in identity.Extra)
        {
            // Extra keys travel percent-encoded in header names (Kubernetes' own rule).
            repeated |= AddRepeated(request, "Impersonate-Extra-" + Uri.EscapeDataString(extra.Name), extra.Values);
        }

        return repeated;
    }

    private static bool AddRepeated(HttpRequestMessage request, string name, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return false;
        }

        if (values.Count == 1)
        {
            // One value is one line as HttpClient writes it: no rewriting stream, and the request keeps the shared
            // client (HTTP/2 where the API server offers it). The most common identity, a user with one group, takes it.
            RepeatedHeaderStream.RejectLineBreak(name, values[0]);
            request.Headers.TryAddWithoutValidation(name, values[0]);
            return false;
        }

        var (marker, encoded) = RepeatedHeaderStream.Marker(name, values);
        request.Headers.TryAddWithoutValidation(marker, encoded);
        return true;
    }

    private static void RemoveCallerHeaders(HttpRequestHeaders headers)
    {
        // Callers rarely send any, so the list is made only when one is found.
        List<string>? found = null;
        foreach (var header in headers)
        {
            if (header.Key.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)
                || header.Key.StartsWith(RepeatedHeaderStream.MarkerPrefix, StringComparison.OrdinalIgnoreCase))
            {
                (found ??= []).Add(header.Key);
            }
        }

        foreach (var name in found ?? [])
        {
            headers.Remove(name);
        }
    }
}
