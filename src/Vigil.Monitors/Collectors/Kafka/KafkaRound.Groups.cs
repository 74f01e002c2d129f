using Vigil.Kafka;

namespace Vigil.Monitors.Collectors.Kafka;

/// <summary>
/// Consumer groups: which (ListGroups, else the monitor's <c>consumer_groups</c>), their members (DescribeGroups,
/// where supported) and committed offsets (OffsetFetch through each group's coordinator), and the lag against the
/// latest offsets of the same round, under kafka_exporter's names and labels.
/// </summary>
internal sealed partial class KafkaRound
{
    // OffsetFetch is one request per group; a few at once keep the pipelined connections busy without flooding them.
    private const int GroupFetchConcurrency = 16;

    private async Task<GroupResults> CollectGroupsAsync()
    {
        var ids = await GroupIdsAsync().ConfigureAwait(false);
        var offsets = new KafkaPartitionOffsets?[ids.Count];
        if (ids.Count == 0)
        {
            return new GroupResults(ids, null, offsets);
        }

        var describe = DescribeGroupsAsync(ids);
        var options = new ParallelOptions { MaxDegreeOfParallelism = GroupFetchConcurrency, CancellationToken = _cancellation };
        await Parallel.ForAsync(0, ids.Count, options, async (i, ct) =>
            offsets[i] = await GuardAsync("OffsetFetch", () => Admin.FetchGroupOffsetsAsync(ids[i], ct)).ConfigureAwait(false)).ConfigureAwait(false);
        return new GroupResults(ids, await describe.ConfigureAwait(false), offsets);
    }

    /// <summary>The kept groups the brokers list, plus the <c>consumer_groups</c> param (all a broker without ListGroups gives).</summary>
    private async Task<List<string>> GroupIdsAsync()
    {
        var ids = new SortedSet<string>(_settings.ConsumerGroups, StringComparer.Ordinal);
        try
        {
            foreach (var listing in await Admin.ListGroupsAsync(_cancellation).ConfigureAwait(false))
            {
                if (_settings.Groups.Keeps(listing.GroupId))
                {
                    ids.Add(listing.GroupId);
                }
            }
        }
        catch (KafkaUnsupportedException)
        {
            // Issue 8: without ListGroups the monitor's consumer_groups param names the groups; not an error.
        }
        catch (KafkaException ex)
        {
            Problem(ReasonOf(ex), Prefixed("ListGroups", ex.Message));
        }

        return [.. ids];
    }

    /// <returns>The descriptions by group id; null when no broker supports DescribeGroups (no members series then).</returns>
    private async Task<IReadOnlyList<KafkaGroupDescription>?> DescribeGroupsAsync(List<string> ids)
    {
        try
        {
            return await Admin.DescribeGroupsAsync(ids, _cancellation).ConfigureAwait(false);
        }
        catch (KafkaUnsupportedException)
        {
            return null;
        }
        catch (KafkaException ex)
        {
            Problem(ReasonOf(ex), Prefixed("DescribeGroups", ex.Message));
            return null;
        }
    }

    private void WriteGroups(GroupResults groups, KafkaPartitionOffsets? latest)
    {
        _context.Rows.Add("consumer_groups")?.Set("groups", groups.Ids.Count);
        foreach (var description in groups.Descriptions ?? [])
        {
            if (description.ErrorCode != KafkaErrorCodes.None)
            {
                Problem(ReasonOf(description.ErrorCode), $"DescribeGroups: group {description.GroupId}: {KafkaErrorCodes.Name(description.ErrorCode)} (error code {description.ErrorCode})");
                continue;
            }

            Samples.Labels().Label("consumergroup"u8, description.GroupId).Add("kafka_consumergroup_members"u8, description.Members.Count);
        }

        var kept = _client.KeptTopicNames;
        kept.Clear();
        foreach (var topic in _client.KeptTopics)
        {
            kept.Add(topic.Name);
        }

        for (var i = 0; i < groups.Ids.Count; i++)
        {
            if (groups.Offsets[i] is { } committed)
            {
                WriteGroupOffsets(groups.Ids[i], committed, latest);
            }
        }
    }

    /// <summary>
    /// One group's committed offsets and lags (partitions with nothing committed, -1, are left out, as kafka_exporter
    /// has no lag for them), and their sums by topic. Topics the filters drop are left out here too.
    /// </summary>
    private void WriteGroupOffsets(string group, KafkaPartitionOffsets committed, KafkaPartitionOffsets? latest)
    {
        var sums = _client.TopicSums;
        sums.Clear();
        foreach (var (key, offset) in committed.Offsets)
        {
            if (offset < 0 || !_client.KeptTopicNames.Contains(key.Topic))
            {
                continue;
            }

            Samples.Labels().Label("consumergroup"u8, group).Label("partition"u8, key.Partition).Label("topic"u8, key.Topic).Add("kafka_consumergroup_current_offset"u8, offset);
            var sum = sums.TryGetValue(key.Topic, out var known) ? known : default;
            sum.Offset += offset;
            if (LatestOf(latest, key) is { } end)
            {
                // A commit newer than this round's snapshot of the log end would read as negative lag; it is none.
                var lag = Math.Max(0, end - offset);
                Samples.Labels().Label("consumergroup"u8, group).Label("partition"u8, key.Partition).Label("topic"u8, key.Topic).Add("kafka_consumergroup_lag"u8, lag);
                sum.Lag += lag;
                sum.LagKnown = true;
            }

            sums[key.Topic] = sum;
        }

        foreach (var (topic, sum) in sums)
        {
            Samples.Labels().Label("consumergroup"u8, group).Label("topic"u8, topic).Add("kafka_consumergroup_current_offset_sum"u8, sum.Offset);
            if (sum.LagKnown)
            {
                Samples.Labels().Label("consumergroup"u8, group).Label("topic"u8, topic).Add("kafka_consumergroup_lag_sum"u8, sum.Lag);
            }
        }

        ReportGroupErrors(group, committed);
    }

    private static long? LatestOf(KafkaPartitionOffsets? latest, KafkaTopicPartition key) =>
        latest is not null && (!latest.Errors.TryGetValue(key, out var code) || code == KafkaErrorCodes.None) && latest.Offsets.TryGetValue(key, out var end) && end >= 0 ? end : null;

    private void ReportGroupErrors(string group, KafkaPartitionOffsets committed)
    {
        foreach (var (key, code) in committed.Errors)
        {
            if (code != KafkaErrorCodes.None)
            {
                Problem(ReasonOf(code), $"OffsetFetch: group {group}: {key.Topic}[{key.Partition}]: {KafkaErrorCodes.Name(code)} (error code {code})");
                return;
            }
        }
    }

    private sealed record GroupResults(List<string> Ids, IReadOnlyList<KafkaGroupDescription>? Descriptions, KafkaPartitionOffsets?[] Offsets);
}
