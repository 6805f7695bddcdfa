namespace Plural.KubeEmulator.Streaming.Commands;

/// <summary>
/// Parses the tokens of one logical line into and-or lists separated by <c>;</c> or <c>&amp;</c>.
/// Control structures (<c>if</c>, <c>for</c>, <c>while</c>, <c>case</c>, functions, braces) are not part
/// of the emulated shell and are refused as syntax errors naming the word.
/// </summary>
internal static class ShellParser
{
    private static readonly HashSet<string> ReservedWords = ["if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac", "{", "}", "function", "[["];

    /// <summary>Groups tokens into logical lines; a line ending in <c>&amp;&amp;</c>, <c>||</c> or <c>|</c> continues on the next.</summary>
    public static List<List<ShellToken>> Lines(IReadOnlyList<ShellToken> tokens)
    {
        var lines = new List<List<ShellToken>>();
        var current = new List<ShellToken>();
        foreach (var token in tokens)
        {
            if (token.Kind != ShellTokenKind.Newline)
            {
                current.Add(token);
                continue;
            }
            if (current.Count > 0 && current[^1].Kind == ShellTokenKind.Operator && current[^1].Text is "&&" or "||" or "|") continue;
            if (current.Count > 0) lines.Add(current);
            current = [];
        }
        if (current.Count > 0) lines.Add(current);
        return lines;
    }

    public static List<ShellAndOr> Parse(IReadOnlyList<ShellToken> line)
    {
        var position = 0;
        var list = new List<ShellAndOr>();
        while (position < line.Count)
        {
            list.Add(AndOr(line, ref position));
            if (position == line.Count) break;
            var separator = line[position];
            if (!(separator.IsOperator(";") || separator.IsOperator("&"))) throw Unexpected(separator);
            position++;
        }
        return list;
    }

    private static ShellAndOr AndOr(IReadOnlyList<ShellToken> line, ref int position)
    {
        var pipelines = new List<ShellPipeline> { Pipeline(line, ref position) };
        var operators = new List<string>();
        while (position < line.Count && line[position] is { Kind: ShellTokenKind.Operator, Text: "&&" or "||" } op)
        {
            operators.Add(op.Text);
            position++;
            pipelines.Add(Pipeline(line, ref position));
        }
        return new ShellAndOr(pipelines, operators);
    }

    private static ShellPipeline Pipeline(IReadOnlyList<ShellToken> line, ref int position)
    {
        var negated = false;
        if (position < line.Count && line[position] is { Kind: ShellTokenKind.Word, Text: "!" } bang && bang.Parts.All(p => !p.Quoted))
        {
            negated = true;
            position++;
        }
        var commands = new List<ShellCommand> { Command(line, ref position) };
        while (position < line.Count && line[position].IsOperator("|"))
        {
            position++;
            commands.Add(Command(line, ref position));
        }
        return new ShellPipeline(commands, negated);
    }

    private static ShellCommand Command(IReadOnlyList<ShellToken> line, ref int position)
    {
        if (position == line.Count) throw new ShellSyntaxException(line[^1].Line, "end of file unexpected");
        var startLine = line[position].Line;
        var words = new List<ShellToken>();
        var redirections = new List<ShellRedirection>();
        while (position < line.Count && line[position].Kind != ShellTokenKind.Operator)
        {
            var token = line[position++];
            if (token.Kind == ShellTokenKind.Redirection)
            {
                if (position == line.Count) throw new ShellSyntaxException(token.Line, "newline unexpected");
                if (line[position].Kind != ShellTokenKind.Word) throw Unexpected(line[position]);
                redirections.Add(new ShellRedirection(token.Text, token.Descriptor ?? 1, line[position++]));
                continue;
            }
            if (words.Count == 0 && token.Parts.All(p => !p.Quoted) && ReservedWords.Contains(token.Text))
            {
                throw new ShellSyntaxException(token.Line, $"\"{token.Text}\" is not supported by this shell");
            }
            words.Add(token);
        }
        if (words.Count == 0 && redirections.Count == 0) throw position < line.Count ? Unexpected(line[position]) : new ShellSyntaxException(startLine, "end of file unexpected");
        return new ShellCommand(words, redirections, startLine);
    }

    private static ShellSyntaxException Unexpected(ShellToken token) => new(token.Line, $"\"{token.Text}\" unexpected");
}
