namespace Vigil.Kafka;

/// <summary>OffsetFetch: a group's committed offsets, from its coordinator.</summary>
internal sealed partial class KafkaAdminClient
{
    private volatile bool _offsetFetchNeedsPartitions;
    private Dictionary<string, List<int>>? _allPartitions;

    /// <summary>
    /// Every offset <paramref name="group"/> committed; a partition with none (-1) is left out, as a broker answering
    /// "null = all" (v2+) leaves it out. From OffsetFetch v2 the broker lists them itself; for v0–1, and for a
    /// cluster that does not understand null topics, the partitions of every topic in the last metadata are asked,
    /// and the answer's -1 entries (all but a few of them, 16,000 per group in issue 8's benchmark) are dropped
    /// rather than kept in two dictionaries per group. A group whose
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
            var listPartitions = version < 2 || _offsetFetchNeedsPartitions;
            var answer = await FetchOffsetsAsync(connection, version, group, listPartitions ? AllPartitions() : null, ct).ConfigureAwait(false);
            if (!answer.NullTopics || answer.ErrorCode != KafkaErrorCodes.None)
            {
                return answer;
            }

            // The cluster does not understand "null = all" (librdkafka's mock): list partitions from now on.
            _offsetFetchNeedsPartitions = true;
            return await FetchOffsetsAsync(connection, version, group, AllPartitions(), ct).ConfigureAwait(false);
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
}
