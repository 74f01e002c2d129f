namespace Vigil.PromQL.Tests;

/// <summary>The token stream: kinds, text as written, positions as UTF-16 indexes, and context (braces, brackets).</summary>
public sealed class LexerTests
{
    [Theory]
    [InlineData("sum by (job) (rate(x[5m]))", "Sum:sum By:by LeftParen:( Identifier:job RightParen:) LeftParen:( Identifier:rate LeftParen:( Identifier:x LeftBracket:[ Duration:5m RightBracket:] RightParen:) RightParen:)")]
    [InlineData("job:rate5m:sum", "MetricIdentifier:job:rate5m:sum")]
    [InlineData(":x _y z9", "MetricIdentifier::x Identifier:_y Identifier:z9")]
    [InlineData("SUM Sum BY Offset AND nan INF", "Sum:SUM Sum:Sum By:BY Offset:Offset And:AND Number:nan Number:INF")]
    [InlineData("a+b-c*d/e%f^g", "Identifier:a Add:+ Identifier:b Sub:- Identifier:c Mul:* Identifier:d Div:/ Identifier:e Mod:% Identifier:f Pow:^ Identifier:g")]
    [InlineData("== != < <= > >= = atan2 and or unless", "EqualEqual:== NotEqual:!= Less:< LessOrEqual:<= Greater:> GreaterOrEqual:>= Assign:= Atan2:atan2 And:and Or:or Unless:unless")]
    [InlineData("bool on ignoring group_left group_right without offset @ start end", "Bool:bool On:on Ignoring:ignoring GroupLeft:group_left GroupRight:group_right Without:without Offset:offset At:@ Start:start End:end")]
    [InlineData("topk bottomk count_values quantile avg min max count group stddev stdvar", "Topk:topk Bottomk:bottomk CountValues:count_values Quantile:quantile Avg:avg Min:min Max:max Count:count Group:group Stddev:stddev Stdvar:stdvar")]
    [InlineData("1 0x1F 1e3 1.5E-7 .5 5. 017", "Number:1 Number:0x1F Number:1e3 Number:1.5E-7 Number:.5 Number:5. Number:017")]
    [InlineData("5m 1h30m 500ms 1y2w3d", "Duration:5m Duration:1h30m Duration:500ms Duration:1y2w3d")]
    [InlineData("""{on="a", sum!="b", by=~'c', offset!~`d`}""", """LeftBrace:{ Identifier:on Assign:= String:"a" Comma:, Identifier:sum NotEqual:!= String:"b" Comma:, Identifier:by RegexMatch:=~ String:'c' Comma:, Identifier:offset RegexNoMatch:!~ String:`d` RightBrace:}""")]
    [InlineData("x[ 5m : 1m ]", "Identifier:x LeftBracket:[ Duration:5m Colon:: Duration:1m RightBracket:]")]
    [InlineData("x[5m:]", "Identifier:x LeftBracket:[ Duration:5m Colon:: RightBracket:]")]
    [InlineData("x # a comment\n+ 1", "Identifier:x Comment:# a comment Add:+ Number:1")]
    [InlineData("{a=\"b\" # inside braces\n}", "LeftBrace:{ Identifier:a Assign:= String:\"b\" Comment:# inside braces RightBrace:}")]
    [InlineData("\"a\\\"b\" 'c\\'d'", "String:\"a\\\"b\" String:'c\\'d'")]
    [InlineData("", "")]
    public void Splits_queries_into_tokens(string query, string expected)
    {
        Assert.Equal(expected, string.Join(" ", Tokens(query).Select(t => $"{t.Kind}:{t.Text}")));
    }

    [Fact]
    public void Positions_are_UTF16_indexes_of_each_token_start()
    {
        var tokens = Tokens("  \"é😀\" +\n\tfoo{a=\"b\"}");
        Assert.Equal([2, 8, 11, 14, 15, 16, 17, 20], tokens.Select(t => t.Position));
        Assert.Equal(new PositionRange(2, 7), tokens[0].Range);
    }

    [Fact]
    public void Ends_with_one_end_token_and_then_keeps_returning_it()
    {
        var lexer = new Lexer("x");
        Assert.Equal(TokenKind.Identifier, lexer.Next().Kind);
        var end = lexer.Next();
        Assert.Equal((TokenKind.Eof, 1), (end.Kind, end.Position));
        Assert.Equal(TokenKind.Eof, lexer.Next().Kind);
    }

    [Theory]
    [InlineData("x $", 2, "unexpected character: '$'")]
    [InlineData("x ) ", 3, "unexpected right parenthesis ')'")]
    [InlineData("(x", 2, "unclosed left parenthesis")]
    [InlineData("x[5m", 4, "unclosed left bracket")]
    [InlineData("x[5m[", 4, "unexpected left bracket '['")]
    [InlineData("x{a", 3, "unexpected end of input inside braces")]
    [InlineData("x{a-", 3, "unexpected character inside braces: '-'")]
    [InlineData("'abc", 0, "unterminated quoted string")]
    [InlineData("`abc", 0, "unterminated raw string")]
    [InlineData("\"a\\zb\"", 0, "unknown escape sequence U+007A 'z'")]
    [InlineData("\"a\\\n\"", 0, "unknown escape sequence U+000A")]
    [InlineData("\"\\u00g0\"", 0, "illegal character U+0067 'g' in escape sequence")]
    [InlineData("\"\\uD834\"", 0, "escape sequence is an invalid Unicode code point")]
    [InlineData("\"\\ud83d\\ude00\"", 0, "escape sequence is an invalid Unicode code point")]
    [InlineData("\"\\\u00e9\"", 0, "unknown escape sequence U+00E9 'é'")]
    [InlineData("\"\ud800\"", 0, "invalid UTF-8 rune")]
    [InlineData("x[1x]", 2, "bad duration syntax: \"1\"")]
    [InlineData("1x", 0, "bad number or duration syntax: \"1\"")]
    [InlineData("1h2x", 0, "bad number or duration syntax: \"1h2\"")]
    public void Stops_at_the_first_error_with_its_position(string query, int position, string message)
    {
        var last = Tokens(query, includeErrors: true)[^1];
        Assert.Equal((TokenKind.Error, position, message), (last.Kind, last.Position, last.Text));
    }

    [Theory]
    [InlineData("x", "identifier \"x\"")]
    [InlineData("a:b", "metric identifier \"a:b\"")]
    [InlineData("+", "<op:+>")]
    [InlineData("and", "<op:and>")]
    [InlineData("SUM", "<aggr:SUM>")]
    [InlineData("Bool", "<Bool>")]
    [InlineData("end", "\"end\"")]
    [InlineData("(", "\"(\"")]
    [InlineData("42", "number \"42\"")]
    [InlineData("12345678901", "number \"1234567890\"...")]
    [InlineData("'日本語の文字列です'", "string \"'日本語の文字列です\"...")]
    [InlineData("@", "\"<Item 57385>\" <op:@>")]
    [InlineData("", "end of input")]
    public void Names_tokens_in_errors_as_Prometheus_does(string text, string description) =>
        Assert.Equal(description, new Lexer(text).Next().Describe());

    private static List<Token> Tokens(string query, bool includeErrors = false)
    {
        var lexer = new Lexer(query);
        var tokens = new List<Token>();
        while (true)
        {
            var token = lexer.Next();
            if (token.Kind == TokenKind.Eof || (token.Kind == TokenKind.Error && !includeErrors))
            {
                return tokens;
            }

            tokens.Add(token);
            if (token.Kind == TokenKind.Error)
            {
                return tokens;
            }
        }
    }
}
