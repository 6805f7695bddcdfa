using System.Text.RegularExpressions;

namespace Plural.Protocol.Kubernetes;

/// <summary>What Kubernetes accepts as a label key (a qualified name) and as a label value.</summary>
internal static partial class LabelSyntax
{
    /// <summary>Why a key is refused, in the API server's words.</summary>
    public const string KeyRule = "a label key is an optional DNS subdomain prefix and '/', then a name of at most 63 alphanumeric characters, '-', '_' or '.', starting and ending with an alphanumeric character";

    /// <summary>Why a value is refused, in the API server's words.</summary>
    public const string ValueRule = "a label value is empty or at most 63 alphanumeric characters, '-', '_' or '.', starting and ending with an alphanumeric character";

    /// <summary>True for <c>name</c> or <c>prefix/name</c> with a DNS subdomain prefix of at most 253 characters.</summary>
    public static bool IsValidKey(string key)
    {
        var slash = key.IndexOf('/');
        var (prefix, name) = slash < 0 ? ("", key) : (key[..slash], key[(slash + 1)..]);
        return (slash < 0 || (prefix.Length <= 253 && PrefixPattern().IsMatch(prefix))) && name.Length <= 63 && NamePattern().IsMatch(name);
    }

    /// <summary>True for the empty string or a name of at most 63 characters.</summary>
    public static bool IsValidValue(string value) => value.Length == 0 || (value.Length <= 63 && NamePattern().IsMatch(value));

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex PrefixPattern();

    [GeneratedRegex("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial Regex NamePattern();
}
