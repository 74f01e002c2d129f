namespace Vigil.Kafka;

/// <summary>ListOffsets, batched: one request per partition leader, all leaders at once.</summary>
internal sealed partial class KafkaAdminClient
{
    /// <summary>
    /// The earliest or latest offset of each partition. Partitions are grouped by leader (from the last metadata,
    /// fetched first when a topic is not known yet) and each leader gets one request, all concurrently. Failures are
    /// per partition in <see cref="KafkaPartitionOffsets.Errors"/>: a broker's code, or a client-side code
    /// (<see cref="KafkaErrorCodes.Transport"/>, <see cref="KafkaErrorCodes.TimedOut"/>) for a leader that could not
    /// be asked. Nothing is thrown for one partition's or one broker's failure.
    /// </summary>
    public async Task<KafkaPartitionOffsets> ListOffsetsAsync(IReadOnlyCollection<KafkaTopicPartition> partitions, KafkaOffsetSpec spec, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (partitions.Any(p => !IsKnown(p.Topic)))
        {
            await GetMetadataAsync(ct).ConfigureAwait(false);
        }

        var offsets = new Dictionary<KafkaTopicPartition, long>(partitions.Count);
        var errors = new Dictionary<KafkaTopicPartition, short>(partitions.Count);
        var byLeader = GroupByLeader(partitions, errors);
        var answers = await Task.WhenAll(byLeader.Select(l => ListOffsetsOnAsync(l.Key, l.Value, spec, ct))).ConfigureAwait(false);
        foreach (var answer in answers)
        {
            foreach (var partition in answer)
            {
                offsets[partition.Partition] = partition.Offset;
                errors[partition.Partition] = partition.ErrorCode;
            }
        }

        foreach (var partition in partitions)
        {
            offsets.TryAdd(partition, -1);
            errors.TryAdd(partition, KafkaErrorCodes.UnknownTopicOrPartition);
        }

        return new KafkaPartitionOffsets(offsets, errors);
    }

    private bool IsKnown(string topic)
    {
        lock (_cacheLock)
        {
            return _topics.ContainsKey(topic);
        }
    }

    /// <summary>Leader → topic → partitions; partitions with no leader or no metadata get their error at once.</summary>
    private Dictionary<int, Dictionary<string, List<int>>> GroupByLeader(IReadOnlyCollection<KafkaTopicPartition> partitions, Dictionary<KafkaTopicPartition, short> errors)
    {
        var byLeader = new Dictionary<int, Dictionary<string, List<int>>>();
        lock (_cacheLock)
        {
            foreach (var partition in partitions)
            {
                var leader = LeaderOf(partition, out var error);
                if (leader < 0)
                {
                    errors[partition] = error;
                    continue;
                }

                if (!byLeader.TryGetValue(leader, out var topics))
                {
                    byLeader[leader] = topics = new Dictionary<string, List<int>>(StringComparer.Ordinal);
                }

                if (!topics.TryGetValue(partition.Topic, out var list))
                {
                    topics[partition.Topic] = list = [];
                }

                list.Add(partition.Partition);
            }
        }

        return byLeader;
    }

    private int LeaderOf(KafkaTopicPartition partition, out short error)
    {
        error = KafkaErrorCodes.UnknownTopicOrPartition;
        if (!_topics.TryGetValue(partition.Topic, out var topic))
        {
            return -1;
        }

        foreach (var p in topic.Partitions)
        {
            if (p.Partition == partition.Partition)
            {
                error = p.Leader < 0 ? KafkaErrorCodes.LeaderNotAvailable : KafkaErrorCodes.None;
                return p.Leader;
            }
        }

        return -1;
    }

    private async Task<List<KafkaPartitionOffset>> ListOffsetsOnAsync(int leader, Dictionary<string, List<int>> topics, KafkaOffsetSpec spec, CancellationToken ct)
    {
        var result = new List<KafkaPartitionOffset>();
        try
        {
            var connection = await _pool.GetAsync(leader, ct).ConfigureAwait(false);
            return await connection.RequestAsync(
                KafkaApi.ListOffsets,
                (w, v) => ListOffsetsMessage.WriteRequest(w, v, topics, spec),
                (ref r, v) =>
                {
                    ListOffsetsMessage.ReadResponse(ref r, v, result);
                    return result;
                },
                ct).ConfigureAwait(false);
        }
        catch (KafkaException e)
        {
            // The whole leader failed: each of its partitions carries the reason.
            result.Clear();
            var code = FailureCode(e);
            foreach (var (topic, indexes) in topics)
            {
                result.AddRange(indexes.Select(i => new KafkaPartitionOffset(new KafkaTopicPartition(topic, i), -1, code)));
            }

            return result;
        }
    }
}
