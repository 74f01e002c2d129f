namespace Vigil.Kafka;

/// <summary>DescribeCluster and DescribeConfigs, where the brokers support them.</summary>
internal sealed partial class KafkaAdminClient
{
    /// <summary>The cluster as DescribeCluster reports it, or null when no broker supports DescribeCluster (before Kafka 2.8).</summary>
    public async Task<KafkaClusterDescription?> DescribeClusterAsync(CancellationToken ct)
    {
        try
        {
            return await OnAnyBrokerAsync<KafkaClusterDescription?>(
                KafkaApi.DescribeCluster,
                async c => await c.RequestAsync(KafkaApi.DescribeCluster, DescribeClusterMessage.WriteRequest, DescribeClusterMessage.ReadResponse, ct).ConfigureAwait(false),
                ct).ConfigureAwait(false);
        }
        catch (KafkaUnsupportedException)
        {
            return null;
        }
    }

    /// <summary>
    /// Every configuration entry of each resource. Broker resources (named by node id) go to that broker, which alone
    /// reports its own settings; topic resources go to any broker. <see cref="KafkaUnsupportedException"/> when the
    /// brokers lack DescribeConfigs.
    /// </summary>
    public async Task<IReadOnlyList<KafkaConfigResource>> DescribeConfigsAsync(IReadOnlyCollection<(KafkaConfigResourceType Type, string Name)> resources, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var result = new List<KafkaConfigResource>();
        var topics = resources.Where(r => r.Type != KafkaConfigResourceType.Broker).ToList();
        if (topics.Count > 0)
        {
            result.AddRange(await OnAnyBrokerAsync(KafkaApi.DescribeConfigs, c => DescribeConfigsOnAsync(c, topics, ct), ct).ConfigureAwait(false));
        }

        foreach (var broker in resources.Where(r => r.Type == KafkaConfigResourceType.Broker))
        {
            if (!int.TryParse(broker.Name, System.Globalization.CultureInfo.InvariantCulture, out var node))
            {
                throw new ArgumentException($"broker resource \"{broker.Name}\" is not a node id", nameof(resources));
            }

            var connection = await _pool.GetAsync(node, ct).ConfigureAwait(false);
            result.AddRange(await DescribeConfigsOnAsync(connection, [broker], ct).ConfigureAwait(false));
        }

        return result;
    }

    private static Task<List<KafkaConfigResource>> DescribeConfigsOnAsync(KafkaBrokerConnection connection, List<(KafkaConfigResourceType, string)> resources, CancellationToken ct) =>
        connection.RequestAsync(KafkaApi.DescribeConfigs, (w, v) => DescribeConfigsMessage.WriteRequest(w, v, resources), DescribeConfigsMessage.ReadResponse, ct);
}
