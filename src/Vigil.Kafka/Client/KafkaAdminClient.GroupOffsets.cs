namespace Vigil.Kafka;

/// <summary>OffsetFetch: a group's committed offsets, from its coordinator.</summary>
internal sealed partial class KafkaAdminClient
{
    private readonly Dictionary<string, KnownCommits> _knownCommits = new(StringComparer.Ordinal);
    private volatile bool _offsetFetchNeedsPartitions;
    private Dictionary<string, List<int>>? _allPartitions;

    /// <summary>
    /// Every offset <paramref name="group"/> committed; a partition with none (-1) is left out, as a broker answering
    /// "null = all" (v2+) leaves it out. From OffsetFetch v2 the broker lists them itself; for v0–1, and for a
    /// cluster that does not understand null topics, the partitions of every topic in the last metadata are asked,
    /// and the answer's -1 entries (all but a few of them, 16,000 per group in issue 8's benchmark) are dropped
    /// rather than kept in two dictionaries per group. Listing costs such a broker a lookup per topic for every group
    /// (issue 8's benchmark: 200 groups x 2,000 topics kept librdkafka's mock thread busy for 2 s a round), so after
    /// one full answer a group is asked only for the topics it had committed to, and for all of them again once per
    /// <see cref="KafkaClientOptions.CommittedTopicsRefresh"/>. A group whose
    /// coordinator moved is retried once at the new one; any other group-level error is thrown as a
    /// <see cref="KafkaException"/> naming it.
    /// </summary>
    public async Task<KafkaPartitionOffsets> FetchGroupOffsetsAsync(string group, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        for (var attempt = 0; ; attempt++)
        {
            var (node, error) = (await CoordinatorsAsync([group], ct).ConfigureAwait(false))[group];
            KafkaGroupOffsets? answer = null;
            if (error == KafkaErrorCodes.None)
            {
                answer = await FetchOffsetsOnAsync(node, group, ct).ConfigureAwait(false);
                error = answer.ErrorCode;
            }

            if (KafkaErrorCodes.IsCoordinatorMoved(error) && attempt == 0)
            {
                ForgetCoordinator(group);
                continue;
            }

            if (error != KafkaErrorCodes.None || answer is null)
            {
                throw KafkaException.FromCode(error, $"OffsetFetch for group {group}");
            }

            return ToOffsets(answer.Partitions);
        }
    }

    private async Task<KafkaGroupOffsets> FetchOffsetsOnAsync(int node, string group, CancellationToken ct)
    {
        try
        {
            var connection = await _pool.GetAsync(node, ct).ConfigureAwait(false);
            var version = connection.VersionFor(KafkaApi.OffsetFetch);
            if (version >= 2 && !_offsetFetchNeedsPartitions)
            {
                var answer = await FetchOffsetsAsync(connection, version, group, null, ct).ConfigureAwait(false);
                if (!answer.NullTopics || answer.ErrorCode != KafkaErrorCodes.None)
                {
                    return answer;
                }

                // The cluster does not understand "null = all" (librdkafka's mock): list partitions from now on.
                _offsetFetchNeedsPartitions = true;
            }

            var (partitions, full) = PartitionsToAsk(group);
            var listed = await FetchOffsetsAsync(connection, version, group, partitions, ct).ConfigureAwait(false);
            if (full && listed.ErrorCode == KafkaErrorCodes.None)
            {
                Remember(group, listed.Partitions);
            }

            return listed;
        }
        catch (KafkaException e) when (e is KafkaConnectionException or KafkaTimeoutException)
        {
            ForgetCoordinator(group);
            throw;
        }
    }

    private static async Task<KafkaGroupOffsets> FetchOffsetsAsync(KafkaBrokerConnection connection, short version, string group, Dictionary<string, List<int>>? partitions, CancellationToken ct)
    {
        var answers = await connection.SendAsync(
            KafkaApi.OffsetFetch,
            version,
            (w, v) => OffsetFetchMessage.WriteRequest(w, v, [group], partitions),
            (ref r, v) => OffsetFetchMessage.ReadResponse(ref r, v, group),
            ct).ConfigureAwait(false);
        return answers.FirstOrDefault(a => a.GroupId == group) ?? throw new KafkaProtocolException($"OffsetFetch for group {group}: the answer does not mention the group");
    }

    /// <summary>
    /// What to list for <paramref name="group"/>: every partition (full) when its committed topics are unknown or
    /// due for a refresh, else the current partitions of the topics it had committed to (a topic gone from the
    /// metadata is left out; partitions added to a known topic are included).
    /// </summary>
    private (Dictionary<string, List<int>> Partitions, bool Full) PartitionsToAsk(string group)
    {
        var refresh = _options.CommittedTopicsRefresh;
        lock (_cacheLock)
        {
            if (refresh <= TimeSpan.Zero || !_knownCommits.TryGetValue(group, out var known) || _options.TimeProvider.GetUtcNow() >= known.RefreshAt)
            {
                return (AllPartitions(), true);
            }

            var all = AllPartitions();
            var partitions = new Dictionary<string, List<int>>(known.Topics.Length, StringComparer.Ordinal);
            foreach (var topic in known.Topics)
            {
                if (all.TryGetValue(topic, out var ids))
                {
                    partitions[topic] = ids;
                }
            }

            return (partitions, false);
        }
    }

    /// <summary>
    /// Keeps the topics of a full answer in which the group has a committed offset. The next full ask is due after
    /// a period between half and all of the refresh interval, fixed per group by its name's hash, so the groups'
    /// full asks spread over the rounds instead of all falling due in one.
    /// </summary>
    private void Remember(string group, List<KafkaPartitionOffset> answer)
    {
        var refresh = _options.CommittedTopicsRefresh;
        if (refresh <= TimeSpan.Zero)
        {
            return;
        }

        var topics = new HashSet<string>(StringComparer.Ordinal);
        foreach (var partition in answer)
        {
            if (partition.Offset >= 0)
            {
                topics.Add(partition.Partition.Topic);
            }
        }

        var spread = 0.5 + (0.5 * (uint)StringComparer.Ordinal.GetHashCode(group) / uint.MaxValue);
        var refreshAt = _options.TimeProvider.GetUtcNow() + (refresh * spread);
        lock (_cacheLock)
        {
            _knownCommits[group] = new KnownCommits([.. topics], refreshAt);
        }
    }

    /// <summary>Every partition of the last metadata, by topic; built once per metadata (groups share it).</summary>
    private Dictionary<string, List<int>> AllPartitions()
    {
        lock (_cacheLock)
        {
            return _allPartitions ??= _topics.Values.ToDictionary(t => t.Name, t => t.Partitions.Select(p => p.Partition).ToList(), StringComparer.Ordinal);
        }
    }

    private static KafkaPartitionOffsets ToOffsets(List<KafkaPartitionOffset> partitions)
    {
        var offsets = new Dictionary<KafkaTopicPartition, long>();
        var errors = new Dictionary<KafkaTopicPartition, short>();
        foreach (var partition in partitions)
        {
            if (partition.Offset < 0 && partition.ErrorCode == KafkaErrorCodes.None)
            {
                continue;
            }

            offsets[partition.Partition] = partition.Offset;
            errors[partition.Partition] = partition.ErrorCode;
        }

        return new KafkaPartitionOffsets(offsets, errors);
    }

    /// <summary>A group's committed topics at its last full ask, and when the next full ask is due.</summary>
    private sealed record KnownCommits(string[] Topics, DateTimeOffset RefreshAt);
}
