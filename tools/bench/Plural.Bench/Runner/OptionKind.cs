namespace Plural.Bench.Runner;

/// <summary>The syntax of a scenario option's value.</summary>
public enum OptionKind
{
    /// <summary>Free text.</summary>
    Text,

    /// <summary>Bytes: <c>1GiB</c>, <c>64MiB</c>.</summary>
    Size,

    /// <summary><c>500ms</c>, <c>10s</c>, <c>2m</c>.</summary>
    Duration,

    /// <summary>A positive whole number: <c>200</c>, <c>10k</c>.</summary>
    Count,

    /// <summary>A whole number that may be zero: <c>0</c>, <c>2</c>.</summary>
    CountOrZero,

    /// <summary>Comma-separated counts: <c>1,16,64</c>.</summary>
    Counts,
}
