namespace Plural.KubeEmulator.Prometheus;

/// <summary>A parsed query of the emulator's PromQL subset.</summary>
internal abstract record PromExpression;

/// <summary><c>metric{label="value", ...}</c>: the series of one metric (or, without a name, of any) whose labels match.</summary>
internal sealed record VectorSelector(string? Metric, IReadOnlyList<LabelMatcher> Matchers) : PromExpression;

/// <summary><c>count by (namespace) (expr)</c>: one of sum, count, min, max, avg over groups of series.</summary>
/// <param name="Operator">The aggregation operator.</param>
/// <param name="Without">True for <c>without (...)</c>, false for <c>by (...)</c> or no grouping.</param>
/// <param name="Grouping">The labels of the <c>by</c> or <c>without</c> clause.</param>
/// <param name="Inner">The expression aggregated.</param>
internal sealed record Aggregation(string Operator, bool Without, IReadOnlyList<string> Grouping, PromExpression Inner) : PromExpression;
