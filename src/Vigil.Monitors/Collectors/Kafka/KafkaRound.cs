using Vigil.Kafka;

namespace Vigil.Monitors.Collectors.Kafka;

/// <summary>
/// One collection of one kafka monitor. The metadata fetch is the availability step: if it fails the round fails
/// (and a connection or timeout failure hands the client back to the lease, which rebuilds it after a backoff).
/// Everything after it runs concurrently on the client's pipelined connections, and a failure there (a broker
/// down or slow, an error code for some partitions) costs only what it concerns: the round keeps the rest, and
/// reports the first problems as its error, so the monitor shows down with a clear message and partial data.
/// </summary>
internal sealed partial class KafkaRound
{
    private const int MaxReportedProblems = 3;

    private readonly CollectContext _context;
    private readonly KafkaMonitorClient _client;
    private readonly KafkaMonitorSettings _settings;
    private readonly CancellationToken _cancellation;
    private readonly List<(string Reason, string Message)> _problems = [];

    public KafkaRound(CollectContext context, KafkaMonitorClient client, KafkaMonitorSettings settings, CancellationToken cancellation)
    {
        _context = context;
        _client = client;
        _settings = settings;
        _cancellation = cancellation;
    }

    private KafkaAdminClient Admin => _client.Admin;

    private KafkaSampleBuilder Samples => _client.Samples;

    public async Task RunAsync()
    {
        var metadata = await MetadataAsync().ConfigureAwait(false);
        Samples.BeginRound(_context);
        var partitions = KeptPartitions(metadata);
        var earliest = OffsetsAsync(partitions, KafkaOffsetSpec.Earliest);
        var latest = OffsetsAsync(partitions, KafkaOffsetSpec.Latest);
        var cluster = GuardAsync("DescribeCluster", () => Admin.DescribeClusterAsync(_cancellation));
        var groups = CollectGroupsAsync();
        await Task.WhenAll(earliest, latest, cluster).ConfigureAwait(false);

        // The topic series are written while the group offsets are still being fetched (only fetching, no writes,
        // happens there): on a cluster with many groups the brokers' answers, not Vigil, take most of a round, and
        // the first round's series creation (issue 8's benchmark: 114,000 topic series) now overlaps them.
        WriteCluster(metadata, await cluster.ConfigureAwait(false));
        WriteTopics(await earliest.ConfigureAwait(false), await latest.ConfigureAwait(false));
        WriteGroups(await groups.ConfigureAwait(false), await latest.ConfigureAwait(false));
        ReportProblems();
    }

    /// <summary>One ListOffsets per leader broker (the client batches); none at all when the filters keep no partition.</summary>
    private Task<KafkaPartitionOffsets?> OffsetsAsync(List<KafkaTopicPartition> partitions, KafkaOffsetSpec spec) =>
        partitions.Count == 0 ? Task.FromResult<KafkaPartitionOffsets?>(null) : GuardAsync("ListOffsets", () => Admin.ListOffsetsAsync(partitions, spec, _cancellation));

    /// <summary>The round's failure reason for a client error (the <c>vigil_monitor_collect_errors_total</c> label).</summary>
    public static string ReasonOf(KafkaException ex) => ex switch
    {
        KafkaConnectionException => "connect",
        KafkaTimeoutException => "timeout",
        KafkaUnsupportedException => "unsupported",
        KafkaProtocolException => "protocol",
        _ => "kafka",
    };

    /// <summary>The reason for a per-partition error code: client-side timeouts and broken connections keep their names.</summary>
    public static string ReasonOf(short code) => code switch
    {
        KafkaErrorCodes.TimedOut or KafkaErrorCodes.RequestTimedOut => "timeout",
        KafkaErrorCodes.Transport => "connect",
        _ => "kafka",
    };

    private async Task<KafkaClusterMetadata> MetadataAsync()
    {
        try
        {
            return await Admin.GetMetadataAsync(_cancellation).ConfigureAwait(false);
        }
        catch (KafkaException ex)
        {
            if (ex is KafkaConnectionException or KafkaTimeoutException or KafkaProtocolException)
            {
                // The cluster is gone, unreachable or talking nonsense: this client is done (issue 7, a failed client
                // is disposed and rebuilt with backoff), which also closes its sockets to a destroyed cluster now.
                await _context.Leases.FailAsync().ConfigureAwait(false);
            }

            throw new CollectException(ReasonOf(ex), Prefixed("Metadata", ex.Message), ex);
        }
    }

    /// <summary>Runs one step; a client error becomes a problem of the round and the step's result is null.</summary>
    private async Task<T?> GuardAsync<T>(string api, Func<Task<T>> step)
        where T : class?
    {
        try
        {
            return await step().ConfigureAwait(false);
        }
        catch (KafkaException ex)
        {
            Problem(ReasonOf(ex), Prefixed(api, ex.Message));
            return null;
        }
    }

    /// <summary>The client's messages mostly name their API already; the others get it in front.</summary>
    private static string Prefixed(string api, string message) => message.StartsWith(api, StringComparison.Ordinal) ? message : api + ": " + message;

    private void Problem(string reason, string message)
    {
        lock (_problems)
        {
            _problems.Add((reason, message));
        }
    }

    /// <summary>A round with problems fails with the first one's reason, naming up to three and how many more.</summary>
    private void ReportProblems()
    {
        if (_problems.Count == 0)
        {
            return;
        }

        // Sorted: steps finish in any order, and a status message that changes every round is stored every round.
        _problems.Sort((a, b) => string.CompareOrdinal(a.Message, b.Message));
        var shown = string.Join("; ", _problems.Take(MaxReportedProblems).Select(p => p.Message));
        var more = _problems.Count > MaxReportedProblems ? $" (and {_problems.Count - MaxReportedProblems} more)" : "";
        _context.Rows.Fail(_problems[0].Reason, $"partial result: {shown}{more}");
    }
}
