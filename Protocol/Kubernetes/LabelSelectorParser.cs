using System.Globalization;

namespace Plural.Protocol.Kubernetes;

/// <summary>
/// Reads the <c>labelSelector</c> grammar token by token, as the API server's parser does:
/// <c>selector := requirement (',' requirement)*</c>;
/// <c>requirement := '!' key | key [('=' | '==' | '!=') value | ('in' | 'notin') '(' values ')' | ('&gt;' | '&lt;') integer]</c>.
/// Errors are <see cref="FormatException"/>s that say what was expected, what was found, at which character, and
/// quote the selector.
/// </summary>
internal sealed class LabelSelectorParser(string text)
{
    private const string Specials = "!=<>(),";

    private int _at;

    private enum Kind { Identifier, Not, Equals, DoubleEquals, NotEquals, Greater, Less, Open, Close, Comma, End }

    private readonly record struct Token(Kind Kind, string Text, int At)
    {
        public string Shown => Kind == Kind.End ? "the end" : $"'{Text}'";

        public bool IsWord(string word) => Kind == Kind.Identifier && Text == word;
    }

    /// <summary>Every requirement of the selector, in order.</summary>
    public List<LabelRequirement> Requirements()
    {
        var requirements = new List<LabelRequirement> { Requirement() };
        while (Next() is var separator && separator.Kind != Kind.End)
        {
            if (separator.Kind != Kind.Comma)
            {
                throw Error(separator, "',' or the end after a requirement");
            }

            requirements.Add(Requirement());
        }

        return requirements;
    }

    private LabelRequirement Requirement()
    {
        var first = Next();
        if (first.Kind == Kind.Not)
        {
            return new LabelRequirement(Key(Next()), LabelRequirement.Operator.DoesNotExist, []);
        }

        var key = Key(first);
        var op = Peek();
        if (op.Kind is Kind.Comma or Kind.End)
        {
            return new LabelRequirement(key, LabelRequirement.Operator.Exists, []);
        }

        Next();
        return op.Kind switch
        {
            Kind.Equals or Kind.DoubleEquals => new LabelRequirement(key, LabelRequirement.Operator.Equals, [Value(op)]),
            Kind.NotEquals => new LabelRequirement(key, LabelRequirement.Operator.NotEquals, [Value(op)]),
            Kind.Greater => new LabelRequirement(key, LabelRequirement.Operator.GreaterThan, [Integer(op)]),
            Kind.Less => new LabelRequirement(key, LabelRequirement.Operator.LessThan, [Integer(op)]),
            _ when op.IsWord("in") => new LabelRequirement(key, LabelRequirement.Operator.In, Set(op)),
            _ when op.IsWord("notin") => new LabelRequirement(key, LabelRequirement.Operator.NotIn, Set(op)),
            _ => throw Error(op, $"an operator (=, ==, !=, in, notin, >, <), ',' or the end after key '{key}'"),
        };
    }

    private string Key(Token token)
    {
        if (token.Kind != Kind.Identifier)
        {
            throw Error(token, "a label key");
        }

        return LabelSyntax.IsValidKey(token.Text) ? token.Text : throw Invalid(token, $"invalid label key '{token.Text}': {LabelSyntax.KeyRule}");
    }

    // A value may be empty ("k=" selects an empty label), so a separator or the end right after the operator is one.
    private string Value(Token op)
    {
        var token = Peek();
        if (token.Kind is Kind.Comma or Kind.End or Kind.Close)
        {
            return "";
        }

        Next();
        if (token.Kind != Kind.Identifier)
        {
            throw Error(token, $"a value after '{op.Text}'");
        }

        return LabelSyntax.IsValidValue(token.Text) ? token.Text : throw Invalid(token, $"invalid label value '{token.Text}': {LabelSyntax.ValueRule}");
    }

    private string Integer(Token op)
    {
        var token = Next();
        if (token.Kind != Kind.Identifier || !long.TryParse(token.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            throw Error(token, $"an integer after '{op.Text}'");
        }

        return token.Text;
    }

    private string[] Set(Token op)
    {
        if (Next() is var open && open.Kind != Kind.Open)
        {
            throw Error(open, $"'(' after '{op.Text}'");
        }

        if (Peek() is { Kind: Kind.Close } empty)
        {
            throw Invalid(empty, $"the set of values after '{op.Text}' is empty");
        }

        var values = new List<string>();
        while (true)
        {
            values.Add(Value(op));
            var next = Next();
            if (next.Kind == Kind.Close)
            {
                return [.. values];
            }

            if (next.Kind != Kind.Comma)
            {
                throw Error(next, "',' or ')' in a set of values");
            }
        }
    }

    private Token Peek()
    {
        var at = _at;
        var token = Next();
        _at = at;
        return token;
    }

    private Token Next()
    {
        while (_at < text.Length && char.IsWhiteSpace(text[_at]))
        {
            _at++;
        }

        var start = _at;
        if (_at == text.Length)
        {
            return new Token(Kind.End, "", start);
        }

        var two = _at + 1 < text.Length ? text.Substring(_at, 2) : "";
        if (two is "==" or "!=")
        {
            _at += 2;
            return new Token(two == "==" ? Kind.DoubleEquals : Kind.NotEquals, two, start);
        }

        var kind = text[_at] switch
        {
            '!' => Kind.Not,
            '=' => Kind.Equals,
            '>' => Kind.Greater,
            '<' => Kind.Less,
            '(' => Kind.Open,
            ')' => Kind.Close,
            ',' => Kind.Comma,
            _ => Kind.Identifier,
        };
        if (kind != Kind.Identifier)
        {
            _at++;
            return new Token(kind, text[start..(start + 1)], start);
        }

        while (_at < text.Length && !char.IsWhiteSpace(text[_at]) && !Specials.Contains(text[_at]))
        {
            _at++;
        }

        return new Token(Kind.Identifier, text[start.._at], start);
    }

    private FormatException Error(Token found, string expected) => Invalid(found, $"expected {expected}, found {found.Shown}");

    private FormatException Invalid(Token at, string reason) =>
        new($"{reason} (at character {at.At + 1} of \"{text}\")");
}
