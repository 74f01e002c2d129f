namespace Vigil.PromQL;

/// <summary>Names, keywords, the inside of braces, and comments.</summary>
internal sealed partial class Lexer
{
    /// <summary>lex.go's <c>lexInsideBraces</c>: keywords are plain identifiers here.</summary>
    private Token? LexInsideBraces()
    {
        if (AtComment())
        {
            return LexLineComment();
        }

        int r = NextRune();
        switch (r)
        {
            case EndOfInput:
                return Error("unexpected end of input inside braces");
            case ' ' or '\t' or '\n' or '\r':
                return SkipSpace();
            case ',':
                return Emit(TokenKind.Comma);
            case '"' or '\'':
                return LexString(r);
            case '`':
                return LexRawString();
            case '=':
                return Accept("~") ? Emit(TokenKind.RegexMatch) : Emit(TokenKind.Assign);
            case '!':
                int next = NextRune();
                return next switch
                {
                    '~' => Emit(TokenKind.RegexNoMatch),
                    '=' => Emit(TokenKind.NotEqual),
                    _ => Error("unexpected character after '!' inside braces: " + GoText.QuoteRune(next)),
                };
            case '{':
                return Error("unexpected left brace '{'");
            case '}':
                _braceOpen = false;
                return Emit(TokenKind.RightBrace);
        }

        if (IsAlpha(r))
        {
            while (IsAlphaNumeric(NextRune()))
            {
            }

            Backup();
            return Emit(TokenKind.Identifier);
        }

        return Error("unexpected character inside braces: " + GoText.QuoteRune(r));
    }

    private Token LexKeywordOrIdentifier()
    {
        int r;
        do
        {
            r = NextRune();
        }
        while (IsAlphaNumeric(r) || r == ':');

        Backup();
        ReadOnlySpan<char> word = input.AsSpan(_start, _pos - _start);
        if (TokenKinds.TryGetKeyword(word, out var keyword))
        {
            return Emit(keyword);
        }

        return Emit(word.Contains(':') ? TokenKind.MetricIdentifier : TokenKind.Identifier);
    }

    private bool AtComment() => _pos < input.Length && input[_pos] == '#';

    private Token LexLineComment()
    {
        _pos++;
        while (_pos < input.Length && input[_pos] is not ('\r' or '\n'))
        {
            _pos++;
        }

        return Emit(TokenKind.Comment);
    }
}
