using System.Text;

namespace Vigil.PromQL;

/// <summary>
/// One token: its type, where it starts (a UTF-16 index into the query) and its text as written (for an
/// <see cref="TokenKind.Error"/> token, the lexer's message). Prometheus's <c>Item</c>.
/// </summary>
internal readonly record struct Token(TokenKind Kind, int Position, string Text)
{
    public PositionRange Range => new(Position, Position + Text.Length);

    /// <summary>
    /// The token as a parse error names it (lex.go's <c>Item.desc</c>): <c>&lt;op:+&gt;</c>, <c>&lt;by&gt;</c>,
    /// <c>"("</c>, <c>identifier "foo"</c>, <c>string "\"abcdefghi"...</c>, <c>end of input</c>.
    /// </summary>
    public string Describe()
    {
        if (Kind == TokenKind.Eof)
        {
            return "end of input";
        }

        if (Kind.HasFixedSpelling())
        {
            return ToString();
        }

        string type = Kind switch
        {
            TokenKind.Error => "error",
            TokenKind.Comment => "comment",
            TokenKind.Identifier => "identifier",
            TokenKind.MetricIdentifier => "metric identifier",
            TokenKind.String => "string",
            TokenKind.Number => "number",
            TokenKind.Duration => "duration",

            // "@" is missing from Prometheus 2.42's table of spellings, so its name falls back to goyacc's
            // token number: `unexpected "<Item 57385>" <op:@>` is what Prometheus prints, odd as it is.
            _ => "\"<Item 57385>\"",
        };
        return type + " " + ToString();
    }

    /// <summary>lex.go's <c>Item.String</c>: the text, marked by group, quoted as Go's <c>%q</c> otherwise.</summary>
    public override string ToString()
    {
        if (Kind == TokenKind.Eof)
        {
            return "EOF";
        }

        if (Kind == TokenKind.Error)
        {
            return Text;
        }

        if (Kind is TokenKind.Identifier or TokenKind.MetricIdentifier)
        {
            return GoText.Quote(Text);
        }

        if (Kind.IsKeyword())
        {
            return "<" + Text + ">";
        }

        if (Kind.IsOperator())
        {
            return "<op:" + Text + ">";
        }

        if (Kind.IsAggregator())
        {
            return "<aggr:" + Text + ">";
        }

        // Go's %.10q: the first ten runes, quoted, then "...".
        int runes = 0, end = 0;
        foreach (Rune rune in Text.EnumerateRunes())
        {
            if (runes++ == 10)
            {
                return GoText.Quote(Text[..end]) + "...";
            }

            end += rune.Utf16SequenceLength;
        }

        return GoText.Quote(Text);
    }
}

/// <summary>
/// A range of a query, as UTF-16 indexes: <see cref="Start"/> inclusive, <see cref="End"/> exclusive
/// (Prometheus's <c>PositionRange</c>, which counts bytes; errors convert to byte columns as Prometheus reports them).
/// </summary>
internal readonly record struct PositionRange(int Start, int End)
{
    /// <summary>From the start of <paramref name="first"/> to the end of <paramref name="last"/> (parse.go's <c>mergeRanges</c>).</summary>
    public static PositionRange Merge(PositionRange first, PositionRange last) => new(first.Start, last.End);
}
