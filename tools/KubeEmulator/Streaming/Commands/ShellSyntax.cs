namespace Plural.KubeEmulator.Streaming.Commands;

/// <summary>A simple command: words (leading <c>NAME=value</c> words are assignments) and redirections.</summary>
internal sealed record ShellCommand(IReadOnlyList<ShellToken> Words, IReadOnlyList<ShellRedirection> Redirections, int Line);

/// <summary><c>[n]op target</c>, e.g. <c>2&gt;&amp;1</c> or <c>&gt;/dev/null</c>.</summary>
internal sealed record ShellRedirection(string Operator, int Descriptor, ShellToken Target);

/// <summary>Commands joined by <c>|</c>, optionally negated with <c>!</c>.</summary>
internal sealed record ShellPipeline(IReadOnlyList<ShellCommand> Commands, bool Negated);

/// <summary>Pipelines joined by <c>&amp;&amp;</c> and <c>||</c>; <see cref="Operators"/>[i] sits between pipelines i and i+1.</summary>
internal sealed record ShellAndOr(IReadOnlyList<ShellPipeline> Pipelines, IReadOnlyList<string> Operators);
