using System.Buffers;
using System.Text;
using System.Text.Json;
using Plural.Grains.Audit;

namespace Plural.Gateway.Audit;

/// <summary>
/// One audit record as one line of JSON for a log shipper. Field names are spelled out here rather than derived from
/// the record type, so that renaming a property never changes what the shipper's parsers and alerts see.
/// </summary>
internal static class AuditJsonLine
{
    /// <summary>The value of the <c>kind</c> field, first on every line, which tells audit lines from log lines on a shared stdout.</summary>
    public const string Kind = "plural.audit.v1";

    private static readonly JsonWriterOptions Options = new() { Indented = false };

    /// <summary>The record as a single line of JSON, without the line break.</summary>
    public static string Format(AuditEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            Write(json, e);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Write(Utf8JsonWriter json, AuditEvent e)
    {
        var r = e.Request;
        json.WriteStartObject();
        json.WriteString("kind", Kind);
        json.WriteString("time", e.Time.UtcDateTime.ToString("O"));
        json.WriteString("requestId", e.RequestId);
        json.WriteString("gateway", e.Gateway);
        json.WriteString("route", e.Route);
        json.WriteString("agent", e.Agent);
        json.WriteString("callerKind", e.CallerKind);
        json.WriteString("user", e.User);
        Strings(json, "groups", e.Groups);
        if (e.ClusterIdentity is { } identity)
        {
            json.WriteStartObject("clusterIdentity");
            json.WriteString("mode", ModeName(identity.Mode));
            json.WriteString("user", identity.User);
            Strings(json, "groups", identity.Groups);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("clusterIdentity");
        }

        json.WriteString("verb", r.Verb);
        json.WriteString("apiGroup", r.ApiGroup);
        json.WriteString("resource", r.Resource);
        json.WriteString("subresource", r.Subresource);
        json.WriteString("namespace", r.Namespace);
        json.WriteString("name", r.Name);
        json.WriteString("nonResourcePath", r.NonResourcePath);
        if (e.Session is { } session)
        {
            Strings(json, "command", session.Command);
            json.WriteString("container", session.Container);
            json.WriteStartArray("ports");
            foreach (var port in session.Ports)
            {
                json.WriteNumberValue(port);
            }

            json.WriteEndArray();
        }

        json.WriteNumber("status", e.Status);
        json.WriteNumber("durationMs", Math.Round(e.Duration.TotalMilliseconds, 3));
        json.WriteNumber("bytesIn", e.BytesIn);
        json.WriteNumber("bytesOut", e.BytesOut);
        json.WriteEndObject();
    }

    /// <summary>The mode as the docs and <c>ServerApi</c> name it.</summary>
    public static string ModeName(Plural.Grains.Access.ClusterIdentityMode mode) => mode switch
    {
        Plural.Grains.Access.ClusterIdentityMode.ImpersonateUser => "impersonate-user",
        Plural.Grains.Access.ClusterIdentityMode.FixedIdentity => "fixed-identity",
        Plural.Grains.Access.ClusterIdentityMode.AgentServiceAccount => "agent-service-account",
        var other => other.ToString(),
    };

    private static void Strings(Utf8JsonWriter json, string name, IReadOnlyList<string>? values)
    {
        json.WriteStartArray(name);
        foreach (var value in values ?? [])
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
