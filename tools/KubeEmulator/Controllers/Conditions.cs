using System.Text.Json.Nodes;
using Plural.KubeEmulator.Json;

namespace Plural.KubeEmulator.Controllers;

/// <summary>Sets status conditions, keeping transition times when nothing about a condition changed.</summary>
internal static class Conditions
{
    public static void Set(JsonObject status, string type, bool value, string reason, string message, DateTimeOffset now, bool withUpdateTime = false)
    {
        var conditions = status["conditions"] as JsonArray ?? new JsonArray();
        status["conditions"] = conditions;
        var text = value ? "True" : "False";
        var existing = conditions.Objects().FirstOrDefault(c => c.Str("type") == type);
        if (existing is not null && existing.Str("status") == text && existing.Str("reason") == reason && existing.Str("message") == message) return;
        var stamp = KubeTime.Format(now);
        var condition = new JsonObject { ["type"] = type, ["status"] = text };
        if (withUpdateTime) condition["lastUpdateTime"] = stamp;
        condition["lastTransitionTime"] = existing is not null && existing.Str("status") == text ? existing.Str("lastTransitionTime") : stamp;
        condition["reason"] = reason;
        condition["message"] = message;
        if (existing is null) conditions.Add(condition);
        else conditions[conditions.IndexOf(existing)] = condition;
    }

    public static bool IsTrue(JsonObject o, string type) =>
        o.At("status", "conditions").Objects().Any(c => c.Str("type") == type && c.Str("status") == "True");
}
