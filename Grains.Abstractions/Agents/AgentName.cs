using System.Text.RegularExpressions;

namespace Plural.Grains.Agents;

/// <summary>Agent names are RFC 1123 labels so they can appear in URLs, kubeconfig contexts and Git paths.</summary>
public static partial class AgentName
{
    /// <summary>Longest accepted name.</summary>
    public const int MaxLength = 63;

    /// <summary>The rule, as error messages state it.</summary>
    public const string Requirement = "must be an RFC 1123 label: lower-case letters, digits and '-', at most 63 characters";

    /// <summary>True when <paramref name="name"/> is a valid agent name.</summary>
    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxLength && Label().IsMatch(name);

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Label();
}
