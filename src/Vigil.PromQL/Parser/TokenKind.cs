// The parser's files live in Parser/ but share the project's root namespace: a namespace Vigil.PromQL.Parser
// would hide the Parser class from every caller inside Vigil.PromQL.* (the namespace wins name lookup).
namespace Vigil.PromQL;

/// <summary>
/// The lexer's token types, Prometheus's <c>ItemType</c> (promql/parser/lex.go) without the series-description
/// tokens of its test language. The groups (operators, aggregators, keywords) decide how a token is named in a
/// parse error (<c>&lt;op:+&gt;</c>, <c>&lt;aggr:sum&gt;</c>, <c>&lt;by&gt;</c>), so members stay inside their group.
/// </summary>
internal enum TokenKind : byte
{
    Eof,
    Error,
    Comment,
    Identifier,

    /// <summary>An identifier with a colon (<c>job:rate5m</c>): a metric name, never a label or function.</summary>
    MetricIdentifier,
    Number,
    Duration,

    /// <summary>A quoted string; the token's text keeps its quotes and escapes.</summary>
    String,
    LeftParen,
    RightParen,
    LeftBrace,
    RightBrace,
    LeftBracket,
    RightBracket,
    Comma,
    Colon,

    /// <summary><c>=</c>, a label matcher's operator; not a binary operator.</summary>
    Assign,

    // Operators (Prometheus's operatorsStart..operatorsEnd).
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    Atan2,
    EqualEqual,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    And,
    Or,
    Unless,
    RegexMatch,
    RegexNoMatch,
    At,

    // Aggregators (aggregatorsStart..aggregatorsEnd).
    Sum,
    Avg,
    Count,
    Min,
    Max,
    Group,
    Stddev,
    Stdvar,
    Topk,
    Bottomk,
    CountValues,
    Quantile,

    // Keywords (keywordsStart..keywordsEnd).
    Bool,
    By,
    GroupLeft,
    GroupRight,
    Ignoring,
    Offset,
    On,
    Without,

    // The @ modifier's preprocessors (preprocessorStart..preprocessorEnd): keywords only after "@".
    Start,
    End,
}

internal static class TokenKinds
{
    /// <summary>Keywords by lower-case spelling; PromQL matches them case-insensitively (lex.go's <c>key</c> map).</summary>
    private static readonly Dictionary<string, TokenKind> s_keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        ["and"] = TokenKind.And,
        ["or"] = TokenKind.Or,
        ["unless"] = TokenKind.Unless,
        ["atan2"] = TokenKind.Atan2,
        ["sum"] = TokenKind.Sum,
        ["avg"] = TokenKind.Avg,
        ["count"] = TokenKind.Count,
        ["min"] = TokenKind.Min,
        ["max"] = TokenKind.Max,
        ["group"] = TokenKind.Group,
        ["stddev"] = TokenKind.Stddev,
        ["stdvar"] = TokenKind.Stdvar,
        ["topk"] = TokenKind.Topk,
        ["bottomk"] = TokenKind.Bottomk,
        ["count_values"] = TokenKind.CountValues,
        ["quantile"] = TokenKind.Quantile,
        ["offset"] = TokenKind.Offset,
        ["by"] = TokenKind.By,
        ["without"] = TokenKind.Without,
        ["on"] = TokenKind.On,
        ["ignoring"] = TokenKind.Ignoring,
        ["group_left"] = TokenKind.GroupLeft,
        ["group_right"] = TokenKind.GroupRight,
        ["bool"] = TokenKind.Bool,
        ["start"] = TokenKind.Start,
        ["end"] = TokenKind.End,

        // Not keywords but numbers: "Inf" and "NaN" in any case are number literals.
        ["inf"] = TokenKind.Number,
        ["nan"] = TokenKind.Number,
    };

    public static bool TryGetKeyword(ReadOnlySpan<char> word, out TokenKind kind) =>
        s_keywords.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(word, out kind);

    public static bool IsOperator(this TokenKind kind) => kind is >= TokenKind.Add and <= TokenKind.At;

    public static bool IsAggregator(this TokenKind kind) => kind is >= TokenKind.Sum and <= TokenKind.Quantile;

    public static bool IsKeyword(this TokenKind kind) => kind is >= TokenKind.Bool and <= TokenKind.Without;

    /// <summary>
    /// Tokens that a yacc rule lets stand for a metric name at the start of a selector (generated_parser.y's
    /// <c>metric_identifier</c>): <c>sum</c>, <c>by</c>, <c>offset</c>, <c>and</c> alone are selectors.
    /// </summary>
    public static bool CanBeMetricName(this TokenKind kind) => kind.IsAggregator() || kind is TokenKind.Identifier
        or TokenKind.MetricIdentifier or TokenKind.By or TokenKind.Without or TokenKind.Offset or TokenKind.And
        or TokenKind.Or or TokenKind.Unless or TokenKind.Start or TokenKind.End;

    /// <summary>
    /// Tokens accepted as a label in <c>by (...)</c>, <c>on (...)</c> and friends (the grammar's <c>maybe_label</c>):
    /// every keyword but <c>without</c>, which 2.42's list leaves out.
    /// </summary>
    public static bool CanBeGroupingLabel(this TokenKind kind) => kind.IsAggregator() || (kind.IsKeyword() && kind != TokenKind.Without) || kind is
        TokenKind.Identifier or TokenKind.MetricIdentifier or TokenKind.And or TokenKind.Or or TokenKind.Unless
        or TokenKind.Atan2 or TokenKind.Start or TokenKind.End;

    /// <summary>
    /// Whether a parse error names the token by its text alone (lex.go's <c>ItemTypeStr</c> has a fixed spelling
    /// for it): punctuation, operators and keywords. Other tokens are named with their type (<c>identifier "x"</c>).
    /// </summary>
    public static bool HasFixedSpelling(this TokenKind kind) =>
        kind is >= TokenKind.LeftParen and <= TokenKind.End && kind != TokenKind.At;
}
