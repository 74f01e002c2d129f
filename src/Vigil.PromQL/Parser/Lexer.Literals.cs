namespace Vigil.PromQL;

/// <summary>Numbers, durations and strings: lex.go's scanners, which only delimit; the parser converts the text.</summary>
internal sealed partial class Lexer
{
    private const string Digits = "0123456789";
    private const string HexDigits = "0123456789abcdefABCDEF";

    /// <summary>Right after "[" (and its spaces): a range or subquery must start with a duration.</summary>
    private Token LexDuration()
    {
        _durationNext = false;
        SkipSpace();
        if (ScanNumber())
        {
            return Error("missing unit character in duration");
        }

        if (!AcceptRemainingDuration())
        {
            return Error("bad duration syntax: " + GoText.Quote(input[_start.._pos]));
        }

        Backup();
        return Emit(TokenKind.Duration);
    }

    private Token LexNumberOrDuration()
    {
        if (ScanNumber())
        {
            return Emit(TokenKind.Number);
        }

        if (AcceptRemainingDuration())
        {
            Backup();
            return Emit(TokenKind.Duration);
        }

        return Error("bad number or duration syntax: " + GoText.Quote(input[_start.._pos]));
    }

    /// <summary>
    /// Scans what may be a number (decimal, <c>0x</c> hex, fraction, exponent) and tells whether it ends there:
    /// false when a letter follows, which makes it a duration or an error. The text need not be a valid number;
    /// the parser says so ("error parsing number").
    /// </summary>
    private bool ScanNumber()
    {
        string digits = Digits;
        if (Accept("0") && Accept("xX"))
        {
            digits = HexDigits;
        }

        AcceptRun(digits);
        if (Accept("."))
        {
            AcceptRun(digits);
        }

        if (Accept("eE"))
        {
            Accept("+-");
            AcceptRun(Digits);
        }

        return !IsAlphaNumeric(PeekRune());
    }

    /// <summary>
    /// The unit letters after a duration's first number, then more number-unit pairs (<c>1h30m</c>). Only the shape
    /// is checked here (<c>y</c> only first, <c>ms</c> allowed); the order of units is the parser's concern.
    /// Consumes one rune past the end, which the caller backs up on success.
    /// </summary>
    private bool AcceptRemainingDuration()
    {
        if (!Accept("smhdwy"))
        {
            return false;
        }

        Accept("s");
        while (Accept(Digits))
        {
            AcceptRun(Digits);
            if (!Accept("smhdw"))
            {
                return false;
            }

            Accept("s");
        }

        return !IsAlphaNumeric(NextRune());
    }

    /// <summary>A '…' or "…" string; the opening quote is read. Escapes are checked here and decoded by the parser.</summary>
    private Token LexString(int quote)
    {
        while (true)
        {
            int r = NextRune();
            if (r == '\\')
            {
                if (LexEscape(quote) is { } error)
                {
                    return error;
                }

                continue;
            }

            // Go decodes invalid UTF-8 as U+FFFD and refuses it here, and so a literal U+FFFD as well.
            if (r == 0xFFFD)
            {
                return Error("invalid UTF-8 rune");
            }

            if (r is EndOfInput or '\n')
            {
                return Error("unterminated quoted string");
            }

            if (r == quote)
            {
                return Emit(TokenKind.String);
            }
        }
    }

    /// <summary>A `…` string: no escapes, newlines allowed.</summary>
    private Token LexRawString()
    {
        while (true)
        {
            int r = NextRune();
            if (r == 0xFFFD)
            {
                return Error("invalid UTF-8 rune");
            }

            if (r == EndOfInput)
            {
                return Error("unterminated raw string");
            }

            if (r == '`')
            {
                return Emit(TokenKind.String);
            }
        }
    }

    /// <summary>
    /// Checks one escape after a backslash (lex.go's <c>lexEscape</c>, itself from Go's scanner): the single-letter
    /// escapes, the string's own quote, <c>\NNN</c> octal and <c>\xHH</c> up to 255, <c>\uHHHH</c> and
    /// <c>\UHHHHHHHH</c> code points that are not surrogates. Returns the error token, or null.
    /// </summary>
    private Token? LexEscape(int quote)
    {
        int ch = NextRune();
        int count, radix, max;
        switch (ch)
        {
            case 'a' or 'b' or 'f' or 'n' or 'r' or 't' or 'v' or '\\':
                return null;
            case >= '0' and <= '7':
                (count, radix, max) = (3, 8, 255);
                break;
            case 'x':
                ch = NextRune();
                (count, radix, max) = (2, 16, 255);
                break;
            case 'u':
                ch = NextRune();
                (count, radix, max) = (4, 16, 0x10FFFF);
                break;
            case 'U':
                ch = NextRune();
                (count, radix, max) = (8, 16, 0x10FFFF);
                break;
            case EndOfInput:
                return Error("escape sequence not terminated");
            default:
                return ch == quote ? null : Error("unknown escape sequence " + GoText.FormatCodePoint(ch));
        }

        long value = 0;
        while (true)
        {
            int digit = DigitValue(ch);
            if (digit >= radix)
            {
                return ch == EndOfInput
                    ? Error("escape sequence not terminated")
                    : Error("illegal character " + GoText.FormatCodePoint(ch) + " in escape sequence");
            }

            value = (value * radix) + digit;
            if (--count == 0)
            {
                break;
            }

            ch = NextRune();
        }

        return value > max || value is >= 0xD800 and < 0xE000
            ? Error("escape sequence is an invalid Unicode code point")
            : null;
    }

    /// <summary>A hex digit's value, or 16 for anything else (more than any radix).</summary>
    private static int DigitValue(int ch) => ch switch
    {
        >= '0' and <= '9' => ch - '0',
        >= 'a' and <= 'f' => ch - 'a' + 10,
        >= 'A' and <= 'F' => ch - 'A' + 10,
        _ => 16,
    };
}
