namespace Vigil.PromQL;

// format_query of deeply nested queries (issue 6: 10,000 parentheses must be answered, not crash the server).
internal static partial class Prettier
{
    /// <summary>
    /// Parses <paramref name="query"/> and pretty-prints it, as <c>/api/v1/format_query</c> does, with room for deep
    /// nesting (<see cref="DeepQueryStack"/>). Throws <see cref="PromQLParseException"/> for a query that does not parse.
    /// </summary>
    public static string Format(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return DeepQueryStack.Run(query, () => Pretty(Parser.Parse(query)));
    }
}
