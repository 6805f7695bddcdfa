using System.Net.Http.Headers;
using Google.Protobuf.Collections;
using Plural.Protocol.Agent;
using Plural.Protocol.Tunnels;

namespace Plural.AgentK.Upstream;

/// <summary>Maps header lists between tunnel frames and HTTP messages, dropping what must not cross.</summary>
internal static class TunnelHeaders
{
    /// <summary>Copies the head's headers onto the request; true when one needs repeated header lines (see <see cref="RepeatedHeaderStream"/>).</summary>
    public static bool CopyToRequest(RequestHead head, HttpRequestMessage request)
    {
        var connectionTokens = HopByHopHeaders.NoTokens;
        foreach (var field in head.Headers)
        {
            if (field.Name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                connectionTokens = HopByHopHeaders.ConnectionTokens(field.Values, connectionTokens);
            }
        }

        var repeated = false;

        foreach (var field in head.Headers)
        {
            // The trace context is set from the head (UpstreamTraceContext), not copied from what the caller sent.
            if (!HopByHopHeaders.ForwardRequestHeader(field.Name, head.Upgrade, connectionTokens) || TraceContextHeaders.Contains(field.Name))
            {
                continue;
            }

            if (field.Values.Count > 1 && field.Name.StartsWith("Impersonate-", StringComparison.OrdinalIgnoreCase))
            {
                // Each line is one value to Kubernetes; HttpClient would join them into one.
                var (marker, encoded) = RepeatedHeaderStream.Marker(field.Name, field.Values);
                request.Headers.TryAddWithoutValidation(marker, encoded);
                repeated = true;
                continue;
            }

            // Content-Type and friends live on the content; without a body they are meaningless.
            if (!request.Headers.TryAddWithoutValidation(field.Name, field.Values))
            {
                request.Content?.Headers.TryAddWithoutValidation(field.Name, field.Values);
            }
        }

        return repeated;
    }

    /// <summary>Response headers, content headers included, for <c>response_head</c>.</summary>
    public static void CopyFromResponse(HttpResponseMessage response, bool upgrade, RepeatedField<HeaderField> fields)
    {
        var connectionTokens = response.Headers.TryGetValues("Connection", out var values)
            ? HopByHopHeaders.ConnectionTokens(values, HopByHopHeaders.NoTokens)
            : HopByHopHeaders.NoTokens;
        Copy(response.Headers, upgrade, connectionTokens, fields);
        Copy(response.Content.Headers, upgrade, connectionTokens, fields);
    }

    /// <summary>Trailers, for <c>end</c>.</summary>
    public static void CopyFromTrailers(HttpResponseMessage response, RepeatedField<HeaderField> fields)
    {
        // Most responses have none; looking first spares the enumerator.
        if (response.TrailingHeaders.NonValidated.Count > 0)
        {
            Copy(response.TrailingHeaders, upgrade: false, HopByHopHeaders.NoTokens, fields);
        }
    }

    private static void Copy(HttpHeaders headers, bool upgrade, IReadOnlySet<string> connectionTokens, RepeatedField<HeaderField> fields)
    {
        // The non-validated view hands out the stored strings without parsing and re-formatting each value.
        foreach (var (name, values) in headers.NonValidated)
        {
            if (!HopByHopHeaders.ForwardResponseHeader(name, upgrade, connectionTokens))
            {
                continue;
            }

            var field = new HeaderField { Name = name };
            foreach (var value in values)
            {
                field.Values.Add(value);
            }

            fields.Add(field);
        }
    }
}
