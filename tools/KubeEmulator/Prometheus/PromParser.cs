using System.Text;

namespace Plural.KubeEmulator.Prometheus;

/// <summary>
/// Parses the emulator's PromQL subset: metric selectors with label matchers, and the aggregations sum, count,
/// min, max and avg with <c>by</c> or <c>without</c> (before or after the argument). Anything else, such as
/// functions, range vectors, offsets or binary operators, is a parse error naming what is not there.
/// </summary>
internal sealed class PromParser
{
    public static readonly IReadOnlySet<string> Aggregators = new HashSet<string> { "sum", "count", "min", "max", "avg" };
    private readonly string _text;
    private int _at;

    private PromParser(string text) => _text = text;

    public static PromExpression Parse(string text)
    {
        var parser = new PromParser(text);
        parser.SkipSpace();
        if (parser.AtEnd) throw new PromParseException(0, "no expression found in input");
        var expression = parser.Expression();
        parser.SkipSpace();
        if (!parser.AtEnd) throw parser.Unsupported($"unexpected \"{parser._text[parser._at..]}\" after the expression");
        return expression;
    }

    private bool AtEnd => _at >= _text.Length;

    private PromExpression Expression()
    {
        SkipSpace();
        if (Peek('{')) return Selector(null);
        var start = _at;
        var name = Identifier() ?? throw Unsupported(AtEnd ? "unexpected end of input" : $"unexpected character: '{_text[_at]}'");
        SkipSpace();
        if (Aggregators.Contains(name) && (Peek('(') || PeekWord("by") || PeekWord("without"))) return AggregationOf(name);
        if (Peek('(')) throw new PromParseException(start, $"function \"{name}\" is not in the emulator's query subset (selectors and sum, count, min, max, avg)");
        return Selector(name);
    }

    private Aggregation AggregationOf(string op)
    {
        var (without, grouping) = Grouping();
        Expect('(');
        var inner = Expression();
        SkipSpace();
        Expect(')');
        SkipSpace();
        if (grouping is null && (PeekWord("by") || PeekWord("without"))) (without, grouping) = Grouping();
        return new Aggregation(op, without, grouping ?? [], inner);
    }

    private (bool Without, IReadOnlyList<string>? Labels) Grouping()
    {
        SkipSpace();
        var word = PeekWord("by") ? "by" : PeekWord("without") ? "without" : null;
        if (word is null) return (false, null);
        _at += word.Length;
        Expect('(');
        var labels = new List<string>();
        SkipSpace();
        while (!Peek(')'))
        {
            labels.Add(Identifier() ?? throw Unsupported("expected a label name in the grouping"));
            SkipSpace();
            if (!Peek(',')) break;
            _at++;
            SkipSpace();
        }
        Expect(')');
        return (word == "without", labels);
    }

    private VectorSelector Selector(string? metric)
    {
        var matchers = new List<LabelMatcher>();
        SkipSpace();
        if (Peek('{'))
        {
            _at++;
            SkipSpace();
            while (!Peek('}'))
            {
                if (AtEnd) throw Unsupported("unexpected end of input inside braces");
                var label = Identifier() ?? throw Unsupported("expected a label matcher inside braces");
                SkipSpace();
                var op = new[] { "=~", "!~", "!=", "=" }.FirstOrDefault(o => string.CompareOrdinal(_text, _at, o, 0, o.Length) == 0)
                    ?? throw Unsupported("expected a label matching operator (=, !=, =~, !~)");
                _at += op.Length;
                SkipSpace();
                matchers.Add(new LabelMatcher(label, op, QuotedString()));
                SkipSpace();
                if (!Peek(',')) break;
                _at++;
                SkipSpace();
            }
            Expect('}');
        }
        SkipSpace();
        if (Peek('[')) throw Unsupported("range vectors are not in the emulator's query subset");
        if (metric is null && !matchers.Any(m => !m.Matches(new Dictionary<string, string>())))
            throw new PromParseException(0, "vector selector must contain at least one non-empty matcher");
        return new VectorSelector(metric, matchers);
    }

    private string QuotedString()
    {
        if (AtEnd || _text[_at] is not ('"' or '\'')) throw Unsupported("expected a quoted string");
        var quote = _text[_at++];
        var value = new StringBuilder();
        while (!AtEnd && _text[_at] != quote)
        {
            if (_text[_at] == '\\' && _at + 1 < _text.Length) _at++;
            value.Append(_text[_at++]);
        }
        if (AtEnd) throw Unsupported("unterminated quoted string");
        _at++;
        return value.ToString();
    }

    private string? Identifier()
    {
        var start = _at;
        while (!AtEnd && (char.IsAsciiLetter(_text[_at]) || _text[_at] is '_' or ':' || _at > start && char.IsAsciiDigit(_text[_at]))) _at++;
        return _at > start ? _text[start.._at] : null;
    }

    private void Expect(char c)
    {
        SkipSpace();
        if (!Peek(c)) throw Unsupported(AtEnd ? $"unexpected end of input, expected \"{c}\"" : $"unexpected character: '{_text[_at]}', expected \"{c}\"");
        _at++;
    }

    private bool Peek(char c) => !AtEnd && _text[_at] == c;

    private bool PeekWord(string word) =>
        string.CompareOrdinal(_text, _at, word, 0, word.Length) == 0 && (_at + word.Length >= _text.Length || !char.IsAsciiLetterOrDigit(_text[_at + word.Length]) && _text[_at + word.Length] != '_');

    private void SkipSpace()
    {
        while (!AtEnd && char.IsWhiteSpace(_text[_at])) _at++;
    }

    private PromParseException Unsupported(string message) => new(_at, message);
}
