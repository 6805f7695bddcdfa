using System.Globalization;
using System.Text.Json;

namespace Plural.AgentK.Cache.Dynamic;

/// <summary>
/// A field path into an object as the cache names it: dot-separated names (<c>spec.size</c>), a list element by
/// index (<c>spec.ports[0].port</c>) or by a field of it (<c>status.conditions[type=Ready].status</c>). A value that
/// is not a string, number or boolean is kept as its JSON text.
/// </summary>
internal static class JsonFieldPath
{
    /// <summary>Whether <paramref name="path"/> is a path this class can read; <paramref name="why"/> says what is wrong.</summary>
    public static bool IsValid(string path, out string? why)
    {
        why = null;
        foreach (var segment in path.Split('.'))
        {
            var name = segment;
            var bracket = segment.IndexOf('[');
            if (bracket >= 0)
            {
                if (!segment.EndsWith(']') || bracket == 0 && segment.Length == 2)
                {
                    why = $"'{segment}' must be name, name[index] or name[field=value]";
                    return false;
                }

                name = segment[..bracket];
            }

            if (name.Length == 0 && bracket != 0 || name.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-' or '/')))
            {
                why = $"'{segment}' is not a field name";
                return false;
            }
        }

        return path.Length > 0;
    }

    /// <summary>The value at <paramref name="path"/>, or null when the object has none.</summary>
    public static string? Read(JsonElement root, string path)
    {
        var current = root;
        foreach (var segment in path.Split('.'))
        {
            var bracket = segment.IndexOf('[');
            var name = bracket < 0 ? segment : segment[..bracket];
            if (name.Length > 0 && (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current)))
            {
                return null;
            }

            if (bracket >= 0)
            {
                if (Select(current, segment[(bracket + 1)..^1]) is not { } selected)
                {
                    return null;
                }

                current = selected;
            }
        }

        return current.ValueKind switch
        {
            JsonValueKind.String => current.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => current.GetRawText(),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => current.GetRawText(),
        };
    }

    private static JsonElement? Select(JsonElement list, string selector)
    {
        if (list.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        if (int.TryParse(selector, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return index < list.GetArrayLength() ? list[index] : null;
        }

        var equals = selector.IndexOf('=');
        if (equals <= 0)
        {
            return null;
        }

        var (field, value) = (selector[..equals], selector[(equals + 1)..]);
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() == value)
            {
                return item;
            }
        }

        return null;
    }
}
