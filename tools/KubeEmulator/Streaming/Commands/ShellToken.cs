namespace Plural.KubeEmulator.Streaming.Commands;

/// <summary>
/// One token of a shell script. Words keep their parts apart so that quoting decides, at run time,
/// what is expanded: single-quoted and backslash-escaped text is literal, the rest expands <c>$NAME</c>.
/// </summary>
internal sealed record ShellToken(ShellTokenKind Kind, string Text, IReadOnlyList<ShellWordPart> Parts, int Line, int? Descriptor = null)
{
    public static ShellToken Operator(string text, int line) => new(ShellTokenKind.Operator, text, [], line);

    public bool IsOperator(string text) => Kind == ShellTokenKind.Operator && Text == text;
}

internal enum ShellTokenKind
{
    Word,
    Operator,
    Redirection,
    Newline,
}

/// <summary>A run of word text and whether <c>$</c> expansion applies to it.</summary>
internal sealed record ShellWordPart(string Text, bool Literal, bool Quoted);
