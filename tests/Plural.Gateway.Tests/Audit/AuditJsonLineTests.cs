using System.Text.Json;
using Plural.Gateway.Audit;

namespace Plural.Gateway.Tests.Audit;

/// <summary>The export's line format, which log shippers parse: one JSON object per line, fields named for good.</summary>
public sealed class AuditJsonLineTests
{
    [Fact]
    public void A_record_is_one_line_of_json_with_who_as_whom_what_and_how_it_ended()
    {
        var line = AuditJsonLine.Format(AuditRecords.Exec());

        Assert.DoesNotContain('\n', line);
        var json = JsonDocument.Parse(line).RootElement;
        Assert.Equal(AuditJsonLine.Kind, json.GetProperty("kind").GetString());
        Assert.Equal("2026-12-06T10:00:00.0000000Z", json.GetProperty("time").GetString());
        Assert.Equal(("alice", "user-token", "k8s-proxy", "prod"), (Text(json, "user"), Text(json, "callerKind"), Text(json, "route"), Text(json, "agent")));
        var identity = json.GetProperty("clusterIdentity");
        Assert.Equal(("impersonate-user", "plural:user:alice"), (Text(identity, "mode"), Text(identity, "user")));
        Assert.Equal(["plural:user", "team-a"], identity.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal(("create", "pods", "exec", "shop", "web-0"),
            (Text(json, "verb"), Text(json, "resource"), Text(json, "subresource"), Text(json, "namespace"), Text(json, "name")));
        Assert.Equal(["sh", "-c", "echo \"hi\"\n"], json.GetProperty("command").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("app", Text(json, "container"));
        Assert.Equal((101, 1500.25, 7L, 10L), (json.GetProperty("status").GetInt32(), json.GetProperty("durationMs").GetDouble(),
            json.GetProperty("bytesIn").GetInt64(), json.GetProperty("bytesOut").GetInt64()));
    }

    [Fact]
    public void A_request_refused_before_an_identity_was_chosen_has_a_null_identity_and_no_session_fields()
    {
        var refused = AuditRecords.Exec() with { Status = 403, BytesIn = 0, BytesOut = 0 };
        refused = refused with { ClusterIdentity = null, Session = null };

        var json = JsonDocument.Parse(AuditJsonLine.Format(refused)).RootElement;

        Assert.Equal(JsonValueKind.Null, json.GetProperty("clusterIdentity").ValueKind);
        Assert.False(json.TryGetProperty("command", out _));
        Assert.Equal(403, json.GetProperty("status").GetInt32());
    }

    private static string? Text(JsonElement json, string name) => json.GetProperty(name).GetString();
}
