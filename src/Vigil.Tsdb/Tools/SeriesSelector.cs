using System.Globalization;
using System.Text;
using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Tools;

/// <summary>
/// A PromQL series selector without range or offset: <c>metric</c>, <c>metric{a="b",c!="d",e=~"f.*",g!~"h"}</c> or
/// <c>{a="b"}</c>, for the tools (<c>vigil tsdb dump --match</c>). Deliberately small: issue 6's PromQL parser will
/// parse selectors for queries; this one follows its rules so a selector means the same in both.
/// </summary>
/// <remarks>
/// As in PromQL: whitespace between tokens, a trailing comma, strings in <c>"..."</c> or <c>'...'</c> with Go's
/// escapes (<c>\a \b \f \n \r \t \v \\</c>, the enclosing quote, <c>\NNN</c> octal and <c>\xHH</c> bytes,
/// <c>\uHHHH</c>, <c>\UHHHHHHHH</c>) or raw in backquotes; a metric name and a <c>__name__</c> matcher together are
/// refused, and so is a selector whose matchers all match the empty label value (it would select every series).
/// </remarks>
internal sealed class SeriesSelector
{
    private SeriesSelector(string text, LabelMatcher[] matchers) => (Text, Matchers) = (text, matchers);

    /// <summary>The selector as given.</summary>
    public string Text { get; }

    /// <summary>The matchers, the metric name's <c>__name__="..."</c> first when there is one.</summary>
    public IReadOnlyList<LabelMatcher> Matchers { get; }

    /// <summary>Parses <paramref name="text"/>; throws <see cref="SelectorSyntaxException"/> naming line and column.</summary>
    public static SeriesSelector Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new SeriesSelector(text, new Parser(text).Selector());
    }

    /// <summary>PromQL's form, every matcher in braces: <c>{__name__="up", job=~"a.*"}</c>.</summary>
    public override string ToString() => "{" + string.Join(", ", Matchers) + "}";

    private sealed class Parser(string text)
    {
        private int _at;

        private bool AtEnd => _at >= text.Length;

        private char Peek => text[_at];

        public LabelMatcher[] Selector()
        {
            SkipSpace();
            if (AtEnd)
            {
                throw Error(_at, "empty selector, expected a metric name or '{'");
            }

            int start = _at;
            var matchers = new List<LabelMatcher>();
            string? metric = null;
            if (IsNameStart(Peek, metric: true))
            {
                metric = Name(metric: true);
                matchers.Add(LabelMatcher.Equal("__name__", metric));
                SkipSpace();
            }
            else if (Peek != '{')
            {
                throw Unexpected("a metric name or '{'");
            }

            bool braces = !AtEnd && Peek == '{';
            if (braces)
            {
                _at++;
                Braces(matchers, metric);
                SkipSpace();
            }

            if (!AtEnd)
            {
                throw Unexpected(braces ? "the end" : "'{' or the end");
            }

            if (matchers.TrueForAll(static m => m.MatchesEmpty))
            {
                throw Error(start, "vector selector must contain at least one non-empty matcher");
            }

            return [.. matchers];
        }

        private void Braces(List<LabelMatcher> matchers, string? metric)
        {
            while (true)
            {
                SkipSpace();
                if (AtEnd)
                {
                    throw Error(_at, "unexpected end of input, expected a label name or '}'");
                }

                if (Peek == '}')
                {
                    _at++;
                    return;
                }

                if (!IsNameStart(Peek, metric: false))
                {
                    throw Unexpected("a label name or '}'");
                }

                int nameAt = _at;
                string name = Name(metric: false);
                if (metric is not null && name == "__name__")
                {
                    throw Error(nameAt, $"metric name must not be set twice: \"{metric}\" and a __name__ matcher");
                }

                SkipSpace();
                var type = Operator();
                SkipSpace();
                int valueAt = _at;
                string value = QuotedString();
                try
                {
                    matchers.Add(new LabelMatcher(type, name, value));
                }
                catch (InvalidMatcherException e)
                {
                    throw Error(valueAt, e.Message);
                }

                SkipSpace();
                if (AtEnd)
                {
                    throw Error(_at, "unexpected end of input, expected ',' or '}'");
                }

                switch (Peek)
                {
                    case ',':
                        _at++;
                        break;
                    case '}':
                        _at++;
                        return;
                    default:
                        throw Unexpected("',' or '}'");
                }
            }
        }

        private LabelMatchType Operator()
        {
            if (AtEnd)
            {
                throw Error(_at, "unexpected end of input, expected '=', '!=', '=~' or '!~'");
            }

            char next = _at + 1 < text.Length ? text[_at + 1] : '\0';
            (LabelMatchType? type, int length) = (Peek, next) switch
            {
                ('=', '~') => (LabelMatchType.Regex, 2),
                ('=', _) => (LabelMatchType.Equal, 1),
                ('!', '=') => (LabelMatchType.NotEqual, 2),
                ('!', '~') => (LabelMatchType.NotRegex, 2),
                _ => ((LabelMatchType?)null, 0),
            };
            if (type is null)
            {
                throw Unexpected("'=', '!=', '=~' or '!~'");
            }

            _at += length;
            return type.Value;
        }

        private string QuotedString()
        {
            if (AtEnd)
            {
                throw Error(_at, "unexpected end of input, expected a quoted string");
            }

            char quote = Peek;
            if (quote is not ('"' or '\'' or '`'))
            {
                throw Unexpected("a quoted string");
            }

            int start = _at++;
            var bytes = new List<byte>();
            Span<byte> utf8 = stackalloc byte[4];
            while (true)
            {
                if (AtEnd || (quote != '`' && Peek == '\n'))
                {
                    throw Error(start, "unterminated quoted string");
                }

                char c = text[_at];
                if (c == quote)
                {
                    _at++;
                    break;
                }

                if (c == '\\' && quote != '`')
                {
                    Escape(quote, bytes);
                    continue;
                }

                // A surrogate pair is one rune; a lone surrogate cannot be encoded and becomes U+FFFD, as in Go.
                int length = char.IsSurrogatePair(text, _at) ? 2 : 1;
                Rune rune = Rune.TryCreate(c, out var r) ? r : length == 2 ? new Rune(c, text[_at + 1]) : Rune.ReplacementChar;
                bytes.AddRange(utf8[..rune.EncodeToUtf8(utf8)]);
                _at += length;
            }

            try
            {
                return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString([.. bytes]);
            }
            catch (DecoderFallbackException)
            {
                throw Error(start, "invalid UTF-8 in quoted string (from \\x or octal escapes)");
            }
        }

        /// <summary>Go's escapes (strconv.Unquote, as PromQL takes them): bytes for \x and octal, runes for \u and \U.</summary>
        private void Escape(char quote, List<byte> bytes)
        {
            int at = _at++;
            if (AtEnd)
            {
                throw Error(at, "unterminated quoted string");
            }

            char c = text[_at++];
            switch (c)
            {
                case 'a': bytes.Add(0x07); return;
                case 'b': bytes.Add(0x08); return;
                case 'f': bytes.Add(0x0C); return;
                case 'n': bytes.Add(0x0A); return;
                case 'r': bytes.Add(0x0D); return;
                case 't': bytes.Add(0x09); return;
                case 'v': bytes.Add(0x0B); return;
                case '\\': bytes.Add((byte)'\\'); return;
                case '"' or '\'' when c == quote: bytes.Add((byte)c); return;
                case >= '0' and <= '7':
                    int octal = Digits(at, c, 3, 8);
                    if (octal > 0xFF)
                    {
                        throw Error(at, "octal escape value > 255");
                    }

                    bytes.Add((byte)octal);
                    return;
                case 'x':
                    bytes.Add((byte)Digits(at, null, 2, 16));
                    return;
                case 'u' or 'U':
                    int value = Digits(at, null, c == 'u' ? 4 : 8, 16);
                    if (!Rune.IsValid(value))
                    {
                        throw Error(at, "escape sequence is an invalid Unicode code point");
                    }

                    Span<byte> utf8 = stackalloc byte[4];
                    bytes.AddRange(utf8[..new Rune(value).EncodeToUtf8(utf8)]);
                    return;
                default:
                    throw Error(at, char.IsControl(c) ? "unknown escape sequence" : $"unknown escape sequence '\\{c}'");
            }
        }

        /// <summary>Reads the rest of a fixed-length escape (<paramref name="first"/> already read, for octal).</summary>
        private int Digits(int escapeAt, char? first, int count, int radix)
        {
            long value = first is char f ? f - '0' : 0;
            for (int i = first is null ? 0 : 1; i < count; i++)
            {
                int digit = AtEnd ? -1 : HexValue(Peek);
                if (digit < 0 || digit >= radix)
                {
                    throw Error(escapeAt, $"escape sequence needs {count} {(radix == 8 ? "octal" : "hexadecimal")} digits");
                }

                value = (value * radix) + digit;
                _at++;
            }

            return (int)Math.Min(value, int.MaxValue);
        }

        private static int HexValue(char c) => c switch
        {
            >= '0' and <= '9' => c - '0',
            >= 'a' and <= 'f' => c - 'a' + 10,
            >= 'A' and <= 'F' => c - 'A' + 10,
            _ => -1,
        };

        private string Name(bool metric)
        {
            int start = _at++;
            while (!AtEnd && (IsNameStart(Peek, metric) || char.IsAsciiDigit(Peek)))
            {
                _at++;
            }

            return text[start.._at];
        }

        /// <summary>Label names are <c>[a-zA-Z_][a-zA-Z0-9_]*</c>; metric names may also hold <c>:</c>.</summary>
        private static bool IsNameStart(char c, bool metric) => char.IsAsciiLetter(c) || c == '_' || (metric && c == ':');

        private void SkipSpace()
        {
            while (!AtEnd && Peek is ' ' or '\t' or '\n' or '\r')
            {
                _at++;
            }
        }

        private SelectorSyntaxException Unexpected(string expected) =>
            Error(_at, $"unexpected character {Describe(Peek)}, expected {expected}");

        private SelectorSyntaxException Error(int at, string message)
        {
            int line = 1, lineStart = 0;
            for (int i = 0; i < at && i < text.Length; i++)
            {
                if (text[i] == '\n')
                {
                    (line, lineStart) = (line + 1, i + 1);
                }
            }

            return new SelectorSyntaxException(line, at - lineStart + 1, message);
        }

        private static string Describe(char c) =>
            char.IsControl(c) || char.IsWhiteSpace(c) || char.IsSurrogate(c)
                ? string.Create(CultureInfo.InvariantCulture, $"U+{(int)c:X4}")
                : $"'{c}'";
    }
}

/// <summary>A selector that does not parse: <c>LINE:COLUMN: what is wrong</c>, both 1-based, the column in characters.</summary>
internal sealed class SelectorSyntaxException : FormatException
{
    public SelectorSyntaxException(int line, int column, string detail)
        : base(string.Create(CultureInfo.InvariantCulture, $"{line}:{column}: {detail}")) => (Line, Column) = (line, column);

    public int Line { get; }

    public int Column { get; }
}
