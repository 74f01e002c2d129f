using System.Globalization;
using System.Text;

namespace Vigil.PromQL;

/// <summary>
/// A query that does not parse or type-check. The message is Prometheus's (parse.go's <c>ParseErr.Error</c>):
/// <c>LINE:COLUMN: parse error: DETAIL</c>, the line 1-based, the column the 1-based UTF-8 byte offset within the
/// line (Prometheus counts bytes), e.g. <c>1:14: parse error: unexpected &lt;op:+&gt;</c>. Like Prometheus, only
/// the first error found is reported.
/// </summary>
internal sealed class PromQLParseException : FormatException
{
    public PromQLParseException(string query, PositionRange position, string detail)
        : base(Format(query, position.Start, detail, out int line, out int column))
    {
        (Query, Position, Detail, Line, Column) = (query, position, detail, line, column);
    }

    /// <summary>The query as given.</summary>
    public string Query { get; }

    /// <summary>What the error is about, as UTF-16 indexes into <see cref="Query"/>.</summary>
    public PositionRange Position { get; }

    /// <summary>The message without its position: <c>unexpected end of input</c>.</summary>
    public string Detail { get; }

    public int Line { get; }

    /// <summary>1-based, in UTF-8 bytes from the start of the line.</summary>
    public int Column { get; }

    private static string Format(string query, int position, string detail, out int line, out int column)
    {
        position = Math.Clamp(position, 0, query.Length);
        int lineStart = 0;
        line = 1;
        for (int i = 0; i < position; i++)
        {
            if (query[i] == '\n')
            {
                (line, lineStart) = (line + 1, i + 1);
            }
        }

        column = Encoding.UTF8.GetByteCount(query.AsSpan(lineStart, position - lineStart)) + 1;
        return string.Create(CultureInfo.InvariantCulture, $"{line}:{column}: parse error: {detail}");
    }
}
