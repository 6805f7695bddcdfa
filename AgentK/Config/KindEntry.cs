using System.Globalization;
using Plural.AgentK.Cache;

namespace Plural.AgentK.Config;

/// <summary>
/// One <c>cached_kinds</c> entry of the agent configuration: the resource, and the options the server writes after
/// <c>;</c> from a <c>cache.kinds</c> mapping (docs/gitops.md): <c>fields=a.b,c</c>, <c>labels=app,team</c>,
/// <c>maxObjects=1000</c>, <c>maxBytes=1048576</c>.
/// </summary>
internal sealed record KindEntry(string Text, string Resource, KindProjection Projection, int? MaxObjects, long? MaxBytes)
{
    /// <summary>Reads an entry; <paramref name="why"/> says what is wrong when it returns null.</summary>
    public static KindEntry? Parse(string text, out string? why)
    {
        why = null;
        var parts = text.Split(';', StringSplitOptions.TrimEntries);
        IReadOnlyList<string> fields = [];
        IReadOnlyList<string>? labels = null;
        int? maxObjects = null;
        long? maxBytes = null;
        foreach (var option in parts.Skip(1))
        {
            var equals = option.IndexOf('=');
            var (name, value) = equals < 0 ? (option, "") : (option[..equals], option[(equals + 1)..]);
            var list = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            switch (name)
            {
                case "fields":
                    var bad = list.FirstOrDefault(f => !Cache.Dynamic.JsonFieldPath.IsValid(f, out _));
                    if (bad is not null)
                    {
                        Cache.Dynamic.JsonFieldPath.IsValid(bad, out why);
                        return null;
                    }

                    fields = list;
                    break;
                case "labels":
                    labels = list;
                    break;
                case "maxObjects" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var objects) && objects > 0:
                    maxObjects = objects;
                    break;
                case "maxBytes" when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) && bytes >= 1024:
                    maxBytes = bytes;
                    break;
                default:
                    why = $"'{option}' is not one of fields=, labels=, maxObjects=<at least 1>, maxBytes=<at least 1024>";
                    return null;
            }
        }

        return new KindEntry(text, parts[0], new KindProjection(fields, labels), maxObjects, maxBytes);
    }

    /// <summary>The entry's budget, the agent's defaults where it sets none.</summary>
    public KindBudget BudgetWithin(KindBudget defaults) => new(MaxObjects ?? defaults.MaxObjects, MaxBytes ?? defaults.MaxBytes);
}
