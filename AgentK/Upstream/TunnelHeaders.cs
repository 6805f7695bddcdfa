using System.Net.Http.Headers;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Upstream;

/// <summary>Maps header lists between tunnel frames and HTTP messages, dropping what must not cross.</summary>
internal static class TunnelHeaders
{
    public static void CopyToRequest(RequestHead head, HttpRequestMessage request)
    {
        var connectionTokens = HopByHopHeaders.ConnectionTokens(
            head.Headers.Where(h => h.Name.Equals("Connection", StringComparison.OrdinalIgnoreCase)).SelectMany(h => h.Values));

        foreach (var field in head.Headers)
        {
            if (!HopByHopHeaders.ForwardRequestHeader(field.Name, head.Upgrade, connectionTokens))
            {
                continue;
            }

            if (field.Values.Count > 1 && field.Name.StartsWith("Impersonate-", StringComparison.OrdinalIgnoreCase))
            {
                // Each line is one value to Kubernetes; HttpClient would join them into one.
                var (marker, encoded) = RepeatedHeaderStream.Marker(field.Name, field.Values);
                request.Headers.TryAddWithoutValidation(marker, encoded);
                continue;
            }

            // Content-Type and friends live on the content; without a body they are meaningless.
            if (!request.Headers.TryAddWithoutValidation(field.Name, field.Values))
            {
                request.Content?.Headers.TryAddWithoutValidation(field.Name, field.Values);
            }
        }
    }

    /// <summary>Response headers, content headers included, for <c>response_head</c>.</summary>
    public static IEnumerable<HeaderField> FromResponse(HttpResponseMessage response, bool upgrade)
    {
        var connectionTokens = HopByHopHeaders.ConnectionTokens(
            response.Headers.TryGetValues("Connection", out var values) ? values : []);
        return ToFields(response.Headers.Concat(response.Content.Headers), upgrade, connectionTokens);
    }

    /// <summary>Trailers, for <c>end</c>.</summary>
    public static IEnumerable<HeaderField> FromTrailers(HttpResponseMessage response) =>
        ToFields(response.TrailingHeaders, upgrade: false, new HashSet<string>());

    private static IEnumerable<HeaderField> ToFields(
        IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers,
        bool upgrade,
        IReadOnlySet<string> connectionTokens)
    {
        foreach (var (name, values) in headers)
        {
            if (HopByHopHeaders.ForwardResponseHeader(name, upgrade, connectionTokens))
            {
                yield return new HeaderField { Name = name, Values = { values } };
            }
        }
    }
}
