using System.Globalization;

namespace Plural.Protocol.Kubernetes;

/// <summary>One requirement of a <see cref="LabelSelector"/>: a key, an operator and the operator's values.</summary>
/// <remarks>Declares no accessibility for the reason given on <see cref="LabelSelector"/>.</remarks>
sealed partial record LabelRequirement(string Key, LabelRequirement.Operator Op, IReadOnlyList<string> Values)
{
    /// <summary>How a requirement compares a label with its values.</summary>
    public enum Operator
    {
        /// <summary><c>k=v</c> or <c>k==v</c>: the label is present with the value.</summary>
        Equals,

        /// <summary><c>k!=v</c>: the label is absent or has another value.</summary>
        NotEquals,

        /// <summary><c>k in (a,b)</c>: the label is present with one of the values.</summary>
        In,

        /// <summary><c>k notin (a,b)</c>: the label is absent or has none of the values.</summary>
        NotIn,

        /// <summary><c>k</c>: the label is present.</summary>
        Exists,

        /// <summary><c>!k</c>: the label is absent.</summary>
        DoesNotExist,

        /// <summary><c>k&gt;n</c>: the label is an integer greater than the value.</summary>
        GreaterThan,

        /// <summary><c>k&lt;n</c>: the label is an integer less than the value.</summary>
        LessThan,
    }

    /// <summary>True when the requirement holds for <paramref name="labels"/>.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var has = labels.TryGetValue(Key, out var value);
        return Op switch
        {
            Operator.Equals => has && value == Values[0],
            Operator.NotEquals => !has || value != Values[0],
            Operator.In => has && Values.Contains(value!),
            Operator.NotIn => !has || !Values.Contains(value!),
            Operator.Exists => has,
            Operator.DoesNotExist => !has,
            Operator.GreaterThan => has && Integer(value) is { } g && g > Integer(Values[0]),
            Operator.LessThan => has && Integer(value) is { } l && l < Integer(Values[0]),
            _ => false,
        };
    }

    /// <summary>The requirement in selector syntax.</summary>
    public override string ToString() => Op switch
    {
        Operator.Equals => $"{Key}={Values[0]}",
        Operator.NotEquals => $"{Key}!={Values[0]}",
        Operator.In => $"{Key} in ({string.Join(",", Values)})",
        Operator.NotIn => $"{Key} notin ({string.Join(",", Values)})",
        Operator.Exists => Key,
        Operator.DoesNotExist => "!" + Key,
        Operator.GreaterThan => $"{Key}>{Values[0]}",
        Operator.LessThan => $"{Key}<{Values[0]}",
        _ => Key,
    };

    private static long? Integer(string? text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;
}
