using System.Text;

namespace Vigil.PromQL;

/// <summary>
/// PromQL's lexer, a port of the state machine in Prometheus 2.42's promql/parser/lex.go: the same tokens, the same
/// context (inside braces keywords are plain identifiers; inside brackets only durations and colons), and the
/// same error messages at the same positions, since those messages are what a user of the query API sees.
/// Positions are UTF-16 indexes into the query. After an <see cref="TokenKind.Error"/> or the end, every call
/// returns <see cref="TokenKind.Eof"/>.
/// </summary>
internal sealed partial class Lexer(string input)
{
    private const int EndOfInput = -1;

    private int _pos;
    private int _start;
    private int _width;
    private int _parenDepth;
    private bool _braceOpen;
    private bool _bracketOpen;
    private bool _gotColon;
    private bool _durationNext;
    private bool _done;

    /// <summary>The next token, comments included.</summary>
    public Token Next()
    {
        if (_done)
        {
            return new Token(TokenKind.Eof, input.Length, "");
        }

        while (true)
        {
            Token? token = _durationNext ? LexDuration() : _braceOpen ? LexInsideBraces() : LexStatements();
            if (token is { } t)
            {
                _done = t.Kind is TokenKind.Eof or TokenKind.Error;
                return t;
            }
        }
    }

    /// <summary>lex.go's <c>lexStatements</c>: outside braces. Returns null after skipping space.</summary>
    private Token? LexStatements()
    {
        if (AtComment())
        {
            return LexLineComment();
        }

        int r = NextRune();
        switch (r)
        {
            case EndOfInput:
                if (_parenDepth != 0)
                {
                    return Error("unclosed left parenthesis");
                }

                return _bracketOpen ? Error("unclosed left bracket") : Emit(TokenKind.Eof);
            case ',':
                return Emit(TokenKind.Comma);
            case ' ' or '\t' or '\n' or '\r':
                return SkipSpace();
            case '*':
                return Emit(TokenKind.Mul);
            case '/':
                return Emit(TokenKind.Div);
            case '%':
                return Emit(TokenKind.Mod);
            case '+':
                return Emit(TokenKind.Add);
            case '-':
                return Emit(TokenKind.Sub);
            case '^':
                return Emit(TokenKind.Pow);
            case '=':
                switch (PeekRune())
                {
                    case '=':
                        NextRune();
                        return Emit(TokenKind.EqualEqual);
                    case '~':
                        return Error("unexpected character after '=': '~'");
                    default:
                        return Emit(TokenKind.Assign);
                }

            case '!':
                int afterBang = NextRune();
                return afterBang == '='
                    ? Emit(TokenKind.NotEqual)
                    : Error("unexpected character after '!': " + GoText.QuoteRune(afterBang));
            case '<':
                return Accept("=") ? Emit(TokenKind.LessOrEqual) : Emit(TokenKind.Less);
            case '>':
                return Accept("=") ? Emit(TokenKind.GreaterOrEqual) : Emit(TokenKind.Greater);
            case '"' or '\'':
                return LexString(r);
            case '`':
                return LexRawString();
            case '(':
                _parenDepth++;
                return Emit(TokenKind.LeftParen);
            case ')':
                // Prometheus emits the parenthesis and then overwrites it with the error, so the error's position
                // is just after the parenthesis.
                var rightParen = Emit(TokenKind.RightParen);
                return --_parenDepth < 0 ? Error("unexpected right parenthesis ')'") : rightParen;
            case '{':
                _braceOpen = true;
                return Emit(TokenKind.LeftBrace);
            case '[':
                if (_bracketOpen)
                {
                    return Error("unexpected left bracket '['");
                }

                _gotColon = false;
                _bracketOpen = true;
                _durationNext = true;
                return Emit(TokenKind.LeftBracket);
            case ']':
                if (!_bracketOpen)
                {
                    return Error("unexpected right bracket ']'");
                }

                _bracketOpen = false;
                return Emit(TokenKind.RightBracket);
            case '@':
                return Emit(TokenKind.At);
        }

        if (IsDigit(r) || (r == '.' && IsDigit(PeekRune())))
        {
            Backup();
            return LexNumberOrDuration();
        }

        if (IsAlpha(r) || r == ':')
        {
            if (!_bracketOpen)
            {
                Backup();
                return LexKeywordOrIdentifier();
            }

            // Inside brackets 2.42 takes any letter for the subquery colon (so "foo[5m x]" is "foo[5m:]"),
            // and a second one is refused.
            if (_gotColon)
            {
                return Error("unexpected colon " + GoText.QuoteRune(r));
            }

            _gotColon = true;
            return Emit(TokenKind.Colon);
        }

        return Error("unexpected character: " + GoText.QuoteRune(r));
    }

    private Token? SkipSpace()
    {
        while (IsSpace(PeekRune()))
        {
            NextRune();
        }

        _start = _pos;
        return null;
    }

    private Token Emit(TokenKind kind)
    {
        var token = new Token(kind, _start, input[_start.._pos]);
        _start = _pos;
        return token;
    }

    /// <summary>An error token at the start of the token being read, where Prometheus reports lexer errors.</summary>
    private Token Error(string message) => new(TokenKind.Error, _start, message);

    /// <summary>
    /// The next rune, or <see cref="EndOfInput"/>. A lone surrogate reads as U+FFFD, as invalid UTF-8 does in Go
    /// (and, as in Go, a string then refuses it as "invalid UTF-8 rune").
    /// </summary>
    private int NextRune()
    {
        if (_pos >= input.Length)
        {
            _width = 0;
            return EndOfInput;
        }

        var status = Rune.DecodeFromUtf16(input.AsSpan(_pos), out Rune rune, out _width);
        _pos += _width;
        return status == System.Buffers.OperationStatus.Done ? rune.Value : Rune.ReplacementChar.Value;
    }

    private int PeekRune()
    {
        int r = NextRune();
        Backup();
        return r;
    }

    /// <summary>Steps back over the last rune read; once per <see cref="NextRune"/>.</summary>
    private void Backup() => _pos -= _width;

    private bool Accept(string valid)
    {
        int r = NextRune();
        if (r != EndOfInput && valid.Contains((char)r, StringComparison.Ordinal) && r < 0x80)
        {
            return true;
        }

        Backup();
        return false;
    }

    private void AcceptRun(string valid)
    {
        while (Accept(valid))
        {
        }
    }

    private static bool IsSpace(int r) => r is ' ' or '\t' or '\n' or '\r';

    private static bool IsDigit(int r) => r is >= '0' and <= '9';

    /// <summary>ASCII letters and underscore only, as in lex.go: non-Latin letters are never part of a name.</summary>
    private static bool IsAlpha(int r) => r == '_' || r is >= 'a' and <= 'z' || r is >= 'A' and <= 'Z';

    private static bool IsAlphaNumeric(int r) => IsAlpha(r) || IsDigit(r);
}
