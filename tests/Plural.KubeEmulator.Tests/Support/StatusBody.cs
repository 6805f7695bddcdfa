using System.Text.Json;

namespace Plural.KubeEmulator.Tests.Support;

/// <summary>The fields of a Kubernetes Status a client looks at.</summary>
public sealed record StatusBody(string Kind, string Status, string Reason, string Message, int Code, JsonElement Details)
{
    public static async Task<StatusBody> ReadAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = doc.RootElement;
        var body = new StatusBody(
            root.GetProperty("kind").GetString()!,
            root.GetProperty("status").GetString()!,
            root.GetProperty("reason").GetString()!,
            root.GetProperty("message").GetString()!,
            root.GetProperty("code").GetInt32(),
            root.TryGetProperty("details", out var d) ? d.Clone() : default);
        Assert.Equal(("Status", "Failure"), (body.Kind, body.Status));
        Assert.Equal((int)response.StatusCode, body.Code);
        return body;
    }
}
