using System.Text;

// The storage contract, in one file like Prometheus's storage/interface.go (CONVENTIONS.md, "The way data
// flows"): the PromQL engine, the query API and rules see only these types, so a test can use an in-memory
// store and a deployment can query a remote Prometheus-compatible store instead of the embedded TSDB.
// Timestamps are milliseconds since the Unix epoch, as everywhere in Prometheus.
namespace Vigil.Tsdb.Storage;

/// <summary>The four label matcher operators of PromQL (<c>model/labels.MatchType</c>).</summary>
internal enum LabelMatchType
{
    /// <summary><c>=</c></summary>
    Equal,

    /// <summary><c>!=</c></summary>
    NotEqual,

    /// <summary><c>=~</c>, fully anchored.</summary>
    Regex,

    /// <summary><c>!~</c>, fully anchored.</summary>
    NotRegex,
}

/// <summary>
/// One label matcher, with Prometheus's semantics: a regex matches the whole value (<c>^(?:re)$</c>), and a
/// series without the label is matched as if its value were empty, so <c>{env=""}</c> selects series with no
/// <c>env</c> and <c>{env=~".+"}</c> those that have one. Immutable and thread-safe.
/// </summary>
internal sealed class LabelMatcher
{
    private readonly MatcherRegex? _regex;

    /// <summary>Throws <see cref="InvalidMatcherException"/> when a regex operator's value does not compile.</summary>
    public LabelMatcher(LabelMatchType type, string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (!Enum.IsDefined(type))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "unknown match type");
        }

        (Type, Name, Value) = (type, name, value);
        if (type is LabelMatchType.Regex or LabelMatchType.NotRegex)
        {
            _regex = MatcherRegex.Compile(value, out string? error)
                ?? throw new InvalidMatcherException($"invalid regular expression in label matcher {this}: {error}");
        }

        MatchesEmpty = Matches("");
        LiteralValues = type switch
        {
            LabelMatchType.Equal or LabelMatchType.NotEqual => new HashSet<string>(StringComparer.Ordinal) { value },
            _ => _regex!.Literals,
        };
    }

    public LabelMatchType Type { get; }

    public string Name { get; }

    public string Value { get; }

    /// <summary>
    /// Whether a series without this label matches. PromQL refuses a selector whose matchers all match the empty
    /// string, since it would select every series.
    /// </summary>
    public bool MatchesEmpty { get; }

    /// <summary>
    /// The finite set of values this matcher tells apart from all others, when it is known without running a
    /// regex (Prometheus's <c>SetMatches</c>): for <c>=</c> and <c>!=</c> the value, for <c>=~</c> and <c>!~</c>
    /// the alternatives of a literal alternation (<c>api|web</c>). <c>=</c> and <c>=~</c> match exactly these
    /// values, <c>!=</c> and <c>!~</c> every other value. Null for any other regex.
    /// </summary>
    internal IReadOnlySet<string>? LiteralValues { get; }

    /// <summary><c>=~".*"</c> or <c>!~".*"</c>: the regex matches every value without a newline.</summary>
    internal bool IsAnyWithoutNewline => _regex?.IsAnyWithoutNewline == true;

    /// <summary><c>=~".+"</c> or <c>!~".+"</c>: the regex matches every non-empty value without a newline.</summary>
    internal bool IsNonEmptyWithoutNewline => _regex?.IsNonEmptyWithoutNewline == true;

    public static LabelMatcher Equal(string name, string value) => new(LabelMatchType.Equal, name, value);

    public static LabelMatcher NotEqual(string name, string value) => new(LabelMatchType.NotEqual, name, value);

    public static LabelMatcher Regex(string name, string value) => new(LabelMatchType.Regex, name, value);

    public static LabelMatcher NotRegex(string name, string value) => new(LabelMatchType.NotRegex, name, value);

    /// <summary>Matches one label value; pass the empty string for a label the series does not have.</summary>
    public bool Matches(string value) => Type switch
    {
        LabelMatchType.Equal => string.Equals(value, Value, StringComparison.Ordinal),
        LabelMatchType.NotEqual => !string.Equals(value, Value, StringComparison.Ordinal),
        LabelMatchType.Regex => _regex!.IsMatch(value),
        _ => !_regex!.IsMatch(value),
    };

    public bool Matches(Labels labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return Matches(labels.Get(Name));
    }

    /// <summary>PromQL's form: <c>job=~"api|web"</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(Name).Append(Type switch
        {
            LabelMatchType.Equal => "=",
            LabelMatchType.NotEqual => "!=",
            LabelMatchType.Regex => "=~",
            _ => "!~",
        });
        Labels.AppendQuoted(sb, Value);
        return sb.ToString();
    }
}

/// <summary>A matcher's regex does not compile; the message names the matcher and the reason.</summary>
internal sealed class InvalidMatcherException : FormatException
{
    public InvalidMatcherException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// A storage's handle on a series, returned by <see cref="IAppender.Append"/> to make the next append of that
/// series cheaper (Prometheus's <c>storage.SeriesRef</c>). Ephemeral: a storage may refuse to honour it later and
/// look the labels up instead. <see cref="None"/> (0) means "not known".
/// </summary>
internal readonly record struct SeriesRef(ulong Value)
{
    public static SeriesRef None => default;

    public bool IsNone => Value == 0;
}

/// <summary>
/// The closed set of reasons a storage refuses a sample (Prometheus's <c>storage.ErrOutOfOrderSample</c> and
/// siblings). Each is the sender's fault: a 400, never retried, counted by reason (CONVENTIONS.md, "A closed
/// set of append errors"). Anything else an appender throws is the storage's fault (a 500, retried).
/// </summary>
internal enum AppendError : byte
{
    /// <summary>Accepted.</summary>
    None = 0,

    /// <summary>Older than the newest sample of its series, and the storage accepts no out-of-order samples.</summary>
    OutOfOrder,

    /// <summary>Outside the time range the storage appends to at all (Prometheus: before the head's minimum valid time).</summary>
    OutOfBounds,

    /// <summary>Out of order and also older than the out-of-order window allows.</summary>
    TooOld,

    /// <summary>Same timestamp as the series' newest sample but different value bits (an equal resend is accepted).</summary>
    DuplicateSampleForTimestamp,

    /// <summary>
    /// No labels, no <c>__name__</c>, or a repeated label name (Prometheus's "invalid sample"). The head, like
    /// Prometheus's, refuses only an empty set; <c>__name__</c> is required by the receivers that validate series.
    /// </summary>
    InvalidLabels,
}

/// <summary>The outcome of one append: the series' ref (valid even when the sample was refused) and the error, if any.</summary>
internal readonly record struct AppendResult(SeriesRef Ref, AppendError Error)
{
    public bool IsSuccess => Error == AppendError.None;

    /// <summary>For callers that treat a refusal as exceptional (tests, rules); the hot paths count instead.</summary>
    public SeriesRef ThrowIfFailed() => IsSuccess ? Ref : throw new AppendException(Error);
}

/// <summary>A refused sample, for callers that throw; carries the <see cref="AppendError"/>.</summary>
internal sealed class AppendException : Exception
{
    public AppendException(AppendError error)
        : base(Describe(error)) => Error = error;

    public AppendError Error { get; }

    /// <summary>Prometheus's error strings, so a sender sees the words it already knows.</summary>
    public static string Describe(AppendError error) => error switch
    {
        AppendError.None => "no error",
        AppendError.OutOfOrder => "out of order sample",
        AppendError.OutOfBounds => "out of bounds",
        AppendError.TooOld => "too old sample",
        AppendError.DuplicateSampleForTimestamp => "duplicate sample for timestamp",
        AppendError.InvalidLabels => "invalid sample: invalid labels",
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, null),
    };
}

/// <summary>
/// A batch of samples (Prometheus's <c>storage.Appender</c>). Used by one thread at a time. Nothing appended is
/// visible to queriers before <see cref="CommitAsync"/>; <see cref="Rollback"/> discards it. After either, the
/// appender starts a new batch, so callers may keep one per scrape loop or request context.
/// </summary>
internal interface IAppender
{
    /// <summary>
    /// Adds one sample of the series <paramref name="labels"/> (sorted, non-empty). <paramref name="seriesRef"/> is
    /// a ref this storage returned before, or <see cref="SeriesRef.None"/>; with a ref the storage may skip the
    /// label lookup. A refusal is returned, not thrown, because a bad batch can refuse every sample in it.
    /// </summary>
    AppendResult Append(SeriesRef seriesRef, Labels labels, long timestamp, double value);

    /// <summary>Makes the batch visible (and, where the storage is durable, durable). Completes synchronously for the head.</summary>
    Task CommitAsync(CancellationToken cancellationToken = default);

    /// <summary>Discards everything appended since the last commit or rollback.</summary>
    void Rollback();
}

/// <summary>Hands out appenders (Prometheus's <c>storage.Appendable</c>).</summary>
internal interface IAppendable
{
    IAppender Appender();
}

/// <summary>
/// What the caller of <see cref="IQuerier.Select"/> will do with the data (Prometheus's <c>storage.SelectHints</c>).
/// Only a hint: a storage may use it to return less, or ignore it. Times and durations are milliseconds.
/// </summary>
internal sealed record SelectHints
{
    /// <summary>Start of the evaluation range, including lookback.</summary>
    public long Start { get; init; }

    public long End { get; init; }

    /// <summary>Query resolution step; 0 for an instant query.</summary>
    public long Step { get; init; }

    /// <summary>The function the samples are fed to (<c>rate</c>, <c>series</c> for metadata-only calls), if any.</summary>
    public string? Func { get; init; }

    /// <summary>Range of a range-vector selector (<c>[5m]</c>); 0 otherwise.</summary>
    public long Range { get; init; }

    /// <summary>Labels of the surrounding aggregation, with <see cref="By"/> telling <c>by</c> from <c>without</c>.</summary>
    public IReadOnlyList<string> Grouping { get; init; } = [];

    public bool By { get; init; }
}

/// <summary>Reads a storage (Prometheus's <c>storage.Querier</c>). Dispose it to release what it holds (chunks, readers).</summary>
internal interface IQuerier : IDisposable
{
    /// <summary>
    /// Series matching every matcher that have samples in [<paramref name="mint"/>, <paramref name="maxt"/>], sorted
    /// by <see cref="Labels.Compare"/>; their iterators return only samples in that range.
    /// </summary>
    ISeriesSet Select(long mint, long maxt, SelectHints? hints, params ReadOnlySpan<LabelMatcher> matchers);

    /// <summary>Label names, sorted, of the series matching <paramref name="matchers"/> (all series when none).</summary>
    IReadOnlyList<string> LabelNames(params ReadOnlySpan<LabelMatcher> matchers);

    /// <summary>Distinct non-empty values of <paramref name="name"/>, sorted, over the series matching <paramref name="matchers"/>.</summary>
    IReadOnlyList<string> LabelValues(string name, params ReadOnlySpan<LabelMatcher> matchers);
}

/// <summary>Hands out queriers (Prometheus's <c>storage.Queryable</c>; the time range is given per <see cref="IQuerier.Select"/>).</summary>
internal interface IQueryableStorage
{
    IQuerier Querier();

    /// <summary>
    /// A querier over the parts of the storage that overlap [<paramref name="mint"/>, <paramref name="maxt"/>]
    /// (Prometheus's <c>Querier(mint, maxt)</c>), so label queries name only what those parts hold, as
    /// <c>/api/v1/labels</c> with start and end answers. A storage without parts may ignore the range.
    /// </summary>
    IQuerier Querier(long mint, long maxt) => Querier();
}

/// <summary>
/// The result of a select, read forward once (Prometheus's <c>storage.SeriesSet</c>). A storage error is thrown
/// from <see cref="MoveNext"/>. Disposing releases the series' data; iterators must not be used after that.
/// </summary>
internal interface ISeriesSet : IDisposable
{
    bool MoveNext();

    /// <summary>The current series; valid after <see cref="MoveNext"/> returned true.</summary>
    ISeries Current { get; }

    /// <summary>Non-fatal problems, e.g. a remote store that answered only in part. Complete once <see cref="MoveNext"/> returned false.</summary>
    IReadOnlyList<string> Warnings { get; }
}

/// <summary>One selected series.</summary>
internal interface ISeries
{
    Labels Labels { get; }

    /// <summary>
    /// An iterator over the series' samples, in timestamp order. Passing back an iterator this storage returned
    /// before lets it reset that object instead of allocating (Prometheus's <c>Iterator(chunkenc.Iterator)</c>).
    /// </summary>
    ISampleIterator Iterator(ISampleIterator? reuse = null);
}

/// <summary>
/// Walks samples forward (Prometheus's <c>chunkenc.Iterator</c>, float samples). Implementations allocate nothing
/// per sample. Corrupt data is thrown from <see cref="Next"/> or <see cref="Seek"/>.
/// </summary>
internal interface ISampleIterator
{
    /// <summary>Advances to the next sample; false once the samples are exhausted, and every call after that.</summary>
    bool Next();

    /// <summary>
    /// Advances to the first sample with a timestamp &gt;= <paramref name="t"/> and returns true, or returns false
    /// once exhausted. Never moves backwards: if the current sample already qualifies, nothing moves. Valid
    /// before the first <see cref="Next"/>.
    /// </summary>
    bool Seek(long t);

    /// <summary>The current sample; valid after <see cref="Next"/> or <see cref="Seek"/> returned true. Value bits are exact (NaN payloads kept).</summary>
    (long Timestamp, double Value) At();
}
