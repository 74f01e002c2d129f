using System.Runtime.CompilerServices;
using Vigil.Tsdb.Storage;

namespace Vigil.PromQL;

/// <summary>
/// PromQL's parser: a recursive-descent rendering of Prometheus 2.42's yacc grammar (generated_parser.y) and its
/// actions (parse.go), followed by the same type checks (<c>checkAST</c>). It accepts the same queries, builds the
/// same tree, and reports the same first error with the same message and position, context included
/// (<c>unexpected identifier "b" in grouping opts, expected "," or ")"</c>), because users and tools match on them.
/// </summary>
/// <remarks>
/// Where yacc would recover from a syntax error and report the context of the innermost rule with an error
/// alternative, this parser throws with that context: explicit ones at the token (label matching, grouping opts,
/// offset, @, subquery), and "aggregation" for anything else inside an aggregation's modifier and body.
/// Semantic errors raised by the grammar's actions (durations, numbers, offsets, ranges) are thrown where the
/// action runs, before the next token is read, so that they win over a lexer error further on, as in Prometheus.
/// </remarks>
internal sealed partial class Parser
{
    private readonly Lexer _lexer;
    private readonly string _input;
    private Token _lookahead;
    private bool _hasLookahead;
    private int _aggregationDepth;

    private Parser(string input)
    {
        _input = input;
        _lexer = new Lexer(input);
    }

    /// <summary>
    /// Parses and type-checks <paramref name="query"/>. Throws <see cref="PromQLParseException"/> with
    /// Prometheus's message for the first error (<c>1:14: parse error: unexpected &lt;op:+&gt;</c>).
    /// </summary>
    public static Expr Parse(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parser = new Parser(query);
        var expr = parser.ParseQuery();

        // Prometheus type-checks only a query without syntax errors, so a syntax error anywhere wins.
        parser.Check(expr);
        return expr;
    }

    /// <summary>
    /// Parses a series selector alone (<c>up{job="api"}</c>, <c>{__name__=~"a.*"}</c>), Prometheus's
    /// <c>ParseMetricSelector</c>, for <c>match[]</c> parameters: anything more (a range, an offset, an operator) is a
    /// syntax error, and, as there, nothing is type-checked, so the caller refuses empty selectors in its own words
    /// (the HTTP API: "match[] must contain at least one non-empty matcher").
    /// </summary>
    public static IReadOnlyList<LabelMatcher> ParseMetricSelector(string selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var parser = new Parser(selector);
        var name = parser.Peek();
        VectorSelector vs;
        if (name.Kind == TokenKind.LeftBrace)
        {
            vs = parser.ParseVectorSelector(null);
        }
        else if (name.Kind.CanBeMetricName())
        {
            parser.Next();
            vs = parser.ParseVectorSelector(name);
        }
        else
        {
            throw parser.Unexpected();
        }

        return parser.NextIs(TokenKind.Eof) ? vs.Matchers : throw parser.Unexpected();
    }

    private Expr ParseQuery()
    {
        if (Peek().Kind == TokenKind.Eof)
        {
            throw Error(new PositionRange(0, 0), "no expression found in input");
        }

        var expr = ParseExpr(0);
        if (Peek().Kind != TokenKind.Eof)
        {
            throw Unexpected();
        }

        return expr;
    }

    /// <summary>The next token, comments skipped; a lexer error is thrown here, where yacc would have read it.</summary>
    private Token Peek()
    {
        if (!_hasLookahead)
        {
            Token token;
            do
            {
                token = _lexer.Next();
            }
            while (token.Kind == TokenKind.Comment);

            if (token.Kind == TokenKind.Error)
            {
                // Prometheus reports a lexer error from its start to the end of the query.
                throw Error(new PositionRange(token.Position, _input.Length), token.Text);
            }

            (_lookahead, _hasLookahead) = (token, true);
        }

        return _lookahead;
    }

    private Token Next()
    {
        var token = Peek();
        _hasLookahead = false;
        return token;
    }

    private bool NextIs(TokenKind kind) => Peek().Kind == kind;

    private PromQLParseException Error(PositionRange position, string detail) => new(_input, position, detail);

    /// <summary>
    /// parse.go's <c>unexpected</c>: names the lookahead token, the rule's context and what it expected. Without
    /// an explicit context, the innermost aggregation is the context, as yacc's error recovery finds it.
    /// </summary>
    private PromQLParseException Unexpected(string? context = null, string? expected = null) =>
        Unexpected(Peek(), context ?? (_aggregationDepth > 0 ? "aggregation" : null), expected);

    private PromQLParseException Unexpected(Token token, string? context, string? expected)
    {
        string detail = "unexpected " + token.Describe();
        if (context is not null)
        {
            detail += " in " + context;
        }

        if (expected is not null)
        {
            detail += ", expected " + expected;
        }

        return Error(token.Range, detail);
    }

    /// <summary>
    /// Prometheus's yacc parser keeps its stack on the heap and takes any nesting; ours recurses, so a query nested
    /// deeper than this thread's stack allows is refused with an error rather than ending the process.
    /// </summary>
    private void EnsureStack(PositionRange at)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw Error(at, "expression nested too deeply");
        }
    }
}
