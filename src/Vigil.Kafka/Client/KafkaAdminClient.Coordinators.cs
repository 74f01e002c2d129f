namespace Vigil.Kafka;

/// <summary>Group coordinators: found with FindCoordinator (batched from v4), cached until a broker says they moved.</summary>
internal sealed partial class KafkaAdminClient
{
    private readonly Dictionary<string, int> _coordinators = new(StringComparer.Ordinal);

    /// <summary>Each group's coordinator node id, or the error code that kept it from being found.</summary>
    private async Task<Dictionary<string, (int Node, short Error)>> CoordinatorsAsync(IReadOnlyCollection<string> groups, CancellationToken ct)
    {
        var result = new Dictionary<string, (int, short)>(StringComparer.Ordinal);
        var missing = new List<string>();
        lock (_coordinators)
        {
            foreach (var group in groups.Distinct())
            {
                if (_coordinators.TryGetValue(group, out var node))
                {
                    result[group] = (node, KafkaErrorCodes.None);
                }
                else
                {
                    missing.Add(group);
                }
            }
        }

        if (missing.Count > 0)
        {
            var found = await OnAnyBrokerAsync(KafkaApi.FindCoordinator, c => FindCoordinatorsAsync(c, missing, ct), ct).ConfigureAwait(false);
            foreach (var coordinator in found.Where(c => missing.Contains(c.Key)))
            {
                result[coordinator.Key] = Remember(coordinator);
            }

            // A batched answer that leaves a group out says nothing about it: as good as "not available".
            foreach (var group in missing.Where(g => !result.ContainsKey(g)))
            {
                result[group] = (-1, KafkaErrorCodes.CoordinatorNotAvailable);
            }
        }

        return result;
    }

    private (int Node, short Error) Remember(KafkaCoordinator coordinator)
    {
        if (coordinator.ErrorCode != KafkaErrorCodes.None)
        {
            return (-1, coordinator.ErrorCode);
        }

        _pool.AddIfMissing(coordinator.NodeId, new KafkaEndpoint(coordinator.Host, coordinator.Port));
        lock (_coordinators)
        {
            _coordinators[coordinator.Key] = coordinator.NodeId;
        }

        return (coordinator.NodeId, KafkaErrorCodes.None);
    }

    /// <summary>Forgets where <paramref name="group"/> is coordinated, after NOT_COORDINATOR and the like.</summary>
    private void ForgetCoordinator(string group)
    {
        lock (_coordinators)
        {
            _coordinators.Remove(group);
        }
    }

    /// <summary>One v4 request for all groups, or (older brokers) one request per group, pipelined.</summary>
    private static async Task<List<KafkaCoordinator>> FindCoordinatorsAsync(KafkaBrokerConnection connection, List<string> groups, CancellationToken ct)
    {
        var version = connection.VersionFor(KafkaApi.FindCoordinator);
        if (version >= 4)
        {
            return await connection.SendAsync(KafkaApi.FindCoordinator, version, (w, v) => FindCoordinatorMessage.WriteRequest(w, v, groups), (ref r, v) => FindCoordinatorMessage.ReadResponse(ref r, v, ""), ct).ConfigureAwait(false);
        }

        var answers = await Task.WhenAll(groups.Select(group => connection.SendAsync(
            KafkaApi.FindCoordinator,
            version,
            (w, v) => FindCoordinatorMessage.WriteRequest(w, v, [group]),
            (ref r, v) => FindCoordinatorMessage.ReadResponse(ref r, v, group),
            ct))).ConfigureAwait(false);
        return [.. answers.SelectMany(a => a)];
    }
}
