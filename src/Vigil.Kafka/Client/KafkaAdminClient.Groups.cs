namespace Vigil.Kafka;

/// <summary>ListGroups (every broker), DescribeGroups and OffsetFetch (each group's coordinator).</summary>
internal sealed partial class KafkaAdminClient
{
    /// <summary>
    /// The groups of every broker (each coordinates its own share). Brokers that fail are skipped when another
    /// answered; when none answered the error names each. <see cref="KafkaUnsupportedException"/> when no broker
    /// supports ListGroups (then the monitor's <c>consumer_groups</c> parameter names the groups).
    /// </summary>
    public async Task<IReadOnlyList<KafkaGroupListing>> ListGroupsAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var nodes = _pool.NodeIds;
        var answers = await Task.WhenAll(nodes.Select(n => ListGroupsOnAsync(n, ct))).ConfigureAwait(false);
        var groups = answers.Where(a => a.Groups is not null).SelectMany(a => a.Groups!).DistinctBy(g => g.GroupId).ToList();
        var failures = answers.Where(a => a.Error is not null).Select(a => a.Error!).ToList();
        if (answers.Any(a => a.Groups is not null))
        {
            return groups;
        }

        if (failures.Count > 0 && failures.All(f => f is KafkaUnsupportedException))
        {
            throw new KafkaUnsupportedException($"ListGroups is not supported by any broker: {failures[0].Message}");
        }

        throw new KafkaConnectionException("ListGroups: no broker answered: " + string.Join("; ", failures.Select(f => f.Message)));
    }

    private async Task<(List<KafkaGroupListing>? Groups, KafkaException? Error)> ListGroupsOnAsync(int node, CancellationToken ct)
    {
        try
        {
            var connection = await _pool.GetAsync(node, ct).ConfigureAwait(false);
            var groups = new List<KafkaGroupListing>();
            var error = await connection.RequestAsync(KafkaApi.ListGroups, ListGroupsMessage.WriteRequest, (ref r, v) => ListGroupsMessage.ReadResponse(ref r, v, groups), ct).ConfigureAwait(false);
            return error == KafkaErrorCodes.None ? (groups, null) : (null, KafkaException.FromCode(error, $"ListGroups on {connection.Describe()}"));
        }
        catch (KafkaException e)
        {
            return (null, e);
        }
    }

    /// <summary>
    /// Describes each group at its coordinator, one request per coordinator. A group whose coordinator moved is
    /// retried once at the new one. Per-group failures (coordinator not found, broker down) are in each description's
    /// error code. <see cref="KafkaUnsupportedException"/> when the coordinators do not support DescribeGroups.
    /// </summary>
    public async Task<IReadOnlyList<KafkaGroupDescription>> DescribeGroupsAsync(IReadOnlyCollection<string> groups, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var result = new Dictionary<string, KafkaGroupDescription>(StringComparer.Ordinal);
        var pending = groups.Distinct().ToList();
        for (var attempt = 0; attempt < 2 && pending.Count > 0; attempt++)
        {
            var coordinators = await CoordinatorsAsync(pending, ct).ConfigureAwait(false);
            var byNode = coordinators.Where(c => c.Value.Error == KafkaErrorCodes.None).GroupBy(c => c.Value.Node, c => c.Key);
            var described = await Task.WhenAll(byNode.Select(n => DescribeGroupsOnAsync(n.Key, [.. n], ct))).ConfigureAwait(false);
            foreach (var description in described.SelectMany(d => d).Concat(coordinators.Where(c => c.Value.Error != KafkaErrorCodes.None).Select(c => Failed(c.Key, c.Value.Error))))
            {
                result[description.GroupId] = description;
            }

            pending = [.. result.Values.Where(d => KafkaErrorCodes.IsCoordinatorMoved(d.ErrorCode)).Select(d => d.GroupId)];
            pending.ForEach(ForgetCoordinator);
        }

        return [.. groups.Distinct().Select(g => result.TryGetValue(g, out var d) ? d : Failed(g, KafkaErrorCodes.CoordinatorNotAvailable))];
    }

    private async Task<List<KafkaGroupDescription>> DescribeGroupsOnAsync(int node, List<string> groups, CancellationToken ct)
    {
        try
        {
            var connection = await _pool.GetAsync(node, ct).ConfigureAwait(false);
            return await connection.RequestAsync(KafkaApi.DescribeGroups, (w, v) => DescribeGroupsMessage.WriteRequest(w, v, groups), DescribeGroupsMessage.ReadResponse, ct).ConfigureAwait(false);
        }
        catch (KafkaException e) when (e is not KafkaUnsupportedException)
        {
            groups.ForEach(ForgetCoordinator); // the next call asks again: the group may have moved off a dead broker
            return [.. groups.Select(g => Failed(g, FailureCode(e)))];
        }
    }

    private static KafkaGroupDescription Failed(string group, short error) => new(group, error, "", "", []);
}
