using System.Text;

namespace Plural.KubeEmulator.Streaming.Commands;

/// <summary>
/// Splits a POSIX shell script into words, operators (<c>; &amp; &amp;&amp; || |</c>), redirections
/// (<c>[n]&gt; [n]&gt;&gt; [n]&lt; [n]&gt;&amp; [n]&lt;&amp;</c>) and newlines, honouring quotes,
/// backslashes, line continuations and comments. Subshells, here-documents and command substitution
/// are refused as syntax errors the emulated shell does not support.
/// </summary>
internal static class ShellLexer
{
    public static List<ShellToken> Lex(string script, int firstLine = 1)
    {
        var tokens = new List<ShellToken>();
        var parts = new List<ShellWordPart>();
        var text = new StringBuilder();
        var line = firstLine;
        var i = 0;

        void Plain(char c) => Append(c.ToString(), literal: false, quoted: false);

        void Append(string s, bool literal, bool quoted)
        {
            if (parts.Count > 0 && parts[^1].Literal == literal && parts[^1].Quoted == quoted)
            {
                parts[^1] = parts[^1] with { Text = parts[^1].Text + s };
            }
            else
            {
                parts.Add(new ShellWordPart(s, literal, quoted));
            }
            text.Append(s);
        }

        void EndWord()
        {
            if (parts.Count == 0) return;
            tokens.Add(new ShellToken(ShellTokenKind.Word, text.ToString(), parts.ToList(), line));
            parts.Clear();
            text.Clear();
        }

        while (i < script.Length)
        {
            var c = script[i];
            switch (c)
            {
                case ' ' or '\t' or '\r':
                    EndWord();
                    i++;
                    break;
                case '\n':
                    EndWord();
                    tokens.Add(new ShellToken(ShellTokenKind.Newline, "\n", [], line));
                    line++;
                    i++;
                    break;
                case '#' when parts.Count == 0:
                    while (i < script.Length && script[i] != '\n') i++;
                    break;
                case '\'':
                    var close = script.IndexOf('\'', i + 1);
                    if (close < 0) throw new ShellSyntaxException(line, "Unterminated quoted string");
                    Append(script[(i + 1)..close], literal: true, quoted: true);
                    line += script.AsSpan(i, close - i).Count('\n');
                    i = close + 1;
                    break;
                case '"':
                    i = DoubleQuoted(script, i + 1, ref line, Append);
                    break;
                case '\\':
                    if (i + 1 < script.Length && script[i + 1] == '\n')
                    {
                        line++;
                    }
                    else if (i + 1 < script.Length)
                    {
                        Append(script[i + 1].ToString(), literal: true, quoted: true);
                    }
                    i += 2;
                    break;
                case ';':
                    EndWord();
                    if (i + 1 < script.Length && script[i + 1] == ';') throw new ShellSyntaxException(line, "\";;\" unexpected");
                    tokens.Add(ShellToken.Operator(";", line));
                    i++;
                    break;
                case '&' or '|':
                    EndWord();
                    var doubled = i + 1 < script.Length && script[i + 1] == c;
                    tokens.Add(ShellToken.Operator(doubled ? $"{c}{c}" : c.ToString(), line));
                    i += doubled ? 2 : 1;
                    break;
                case '>' or '<':
                    int? descriptor = null;
                    if (parts is [{ Literal: false, Quoted: false, Text: [>= '0' and <= '9'] digit }])
                    {
                        descriptor = digit[0] - '0';
                        parts.Clear();
                        text.Clear();
                    }
                    EndWord();
                    var op = c.ToString();
                    if (i + 1 < script.Length && (script[i + 1] == '&' || (c == '>' && script[i + 1] is '>' or '|'))) op += script[++i];
                    if (c == '<' && i + 1 < script.Length && script[i + 1] == '<') throw new ShellSyntaxException(line, "here-documents are not supported by this shell");
                    if (op == ">|") op = ">";
                    tokens.Add(new ShellToken(ShellTokenKind.Redirection, op, [], line, descriptor ?? (c == '<' ? 0 : 1)));
                    i++;
                    break;
                case '(' or ')':
                    throw new ShellSyntaxException(line, $"\"{c}\" unexpected (subshells are not supported by this shell)");
                case '`':
                    throw new ShellSyntaxException(line, "command substitution is not supported by this shell");
                case '$' when i + 1 < script.Length && script[i + 1] == '(':
                    throw new ShellSyntaxException(line, "command substitution is not supported by this shell");
                default:
                    Plain(c);
                    i++;
                    break;
            }
        }
        EndWord();
        return tokens;
    }

    /// <summary>Reads a double-quoted run after its opening quote; backslash escapes only <c>$ ` " \</c> and newline there.</summary>
    private static int DoubleQuoted(string script, int i, ref int line, Action<string, bool, bool> append)
    {
        var start = line;
        while (i < script.Length && script[i] != '"')
        {
            var c = script[i];
            if (c == '\\' && i + 1 < script.Length && script[i + 1] is '$' or '`' or '"' or '\\' or '\n')
            {
                if (script[i + 1] != '\n') append(script[i + 1].ToString(), true, true);
                else line++;
                i += 2;
                continue;
            }
            if (c == '`' || (c == '$' && i + 1 < script.Length && script[i + 1] == '(')) throw new ShellSyntaxException(line, "command substitution is not supported by this shell");
            if (c == '\n') line++;
            append(c.ToString(), false, true);
            i++;
        }
        if (i >= script.Length) throw new ShellSyntaxException(start, "Unterminated quoted string");
        // An empty pair of quotes still makes a (empty) word.
        append("", true, true);
        return i + 1;
    }
}
