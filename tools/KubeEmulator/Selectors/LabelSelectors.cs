using System.Text.Json.Nodes;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Json;
using Plural.Protocol.Kubernetes;

namespace Plural.KubeEmulator.Selectors;

/// <summary>The API server's use of the shared <see cref="LabelSelector"/>: query text, selector objects, stored objects.</summary>
internal static class LabelSelectors
{
    /// <summary>Parses the <c>labelSelector</c> query syntax; failures are 400 BadRequest as on the real server.</summary>
    public static LabelSelector Parse(string? text)
    {
        try
        {
            return LabelSelector.Parse(text);
        }
        catch (FormatException bad)
        {
            throw Errors.BadRequest($"unable to parse requirement: {bad.Message}");
        }
    }

    /// <summary>Builds a selector from a <c>metav1.LabelSelector</c> object (matchLabels and matchExpressions).</summary>
    public static LabelSelector FromObject(JsonNode? selector)
    {
        if (selector is not JsonObject o) return LabelSelector.Everything;
        var requirements = new List<LabelRequirement>();
        foreach (var (k, v) in JsonTree.StringMap(o["matchLabels"])) requirements.Add(new LabelRequirement(k, LabelRequirement.Operator.Equals, [v]));
        foreach (var e in o["matchExpressions"].Objects())
        {
            var op = e.Str("operator") switch
            {
                "In" => LabelRequirement.Operator.In,
                "NotIn" => LabelRequirement.Operator.NotIn,
                "Exists" => LabelRequirement.Operator.Exists,
                "DoesNotExist" => LabelRequirement.Operator.DoesNotExist,
                var other => throw Errors.BadRequest($"\"{other}\" is not a valid label selector operator"),
            };
            requirements.Add(new LabelRequirement(e.Str("key") ?? "", op, e["values"].Strings().ToList()));
        }
        return new LabelSelector(requirements);
    }

    /// <summary>True when the object's labels satisfy the selector.</summary>
    public static bool Matches(this LabelSelector selector, JsonObject o) => selector.IsEmpty || selector.Matches(o.Labels());
}
