using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Plural.KubeEmulator.Selectors;
using Plural.Protocol.Kubernetes;

namespace Plural.KubeEmulator.Api;

/// <summary>The selectors and paging parameters of a list or watch request.</summary>
internal sealed record ListQuery(LabelSelector Labels, FieldSelector Fields, int? Limit, ContinueToken? Continue)
{
    public static ListQuery From(ApiRequest request)
    {
        var labels = LabelSelectors.Parse(request.Query("labelSelector"));
        var fields = FieldSelector.Parse(request.Query("fieldSelector"), request.Kind);
        int? limit = null;
        if (request.Query("limit") is { Length: > 0 } text)
        {
            if (!int.TryParse(text, out var l) || l < 0) throw Errors.BadRequest($"invalid limit: {text}");
            limit = l == 0 ? null : l;
        }
        var token = request.Query("continue") is { Length: > 0 } c ? ContinueToken.Decode(c) : null;
        return new ListQuery(labels, fields, limit, token);
    }

    public bool Matches(JsonObject o) => Labels.Matches(o) && Fields.Matches(o);
}

/// <summary>An opaque paging cursor: the list's resource version and the key of the last item returned.</summary>
internal sealed record ContinueToken(long ResourceVersion, string StartAfter)
{
    public string Encode() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new JsonObject { ["v"] = "meta.k8s.io/v1", ["rv"] = ResourceVersion, ["start"] = StartAfter })));

    public static ContinueToken Decode(string token)
    {
        try
        {
            var o = JsonNode.Parse(Base64Url.DecodeFromChars(token)) as JsonObject;
            return new ContinueToken(o!["rv"]!.GetValue<long>(), o["start"]!.GetValue<string>());
        }
        catch (Exception e) when (e is FormatException or JsonException or NullReferenceException or InvalidOperationException)
        {
            throw Errors.BadRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
        }
    }
}
