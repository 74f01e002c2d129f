namespace Vigil.Kafka;

/// <summary>Choosing brokers: any broker (open connections first), or each broker in turn.</summary>
internal sealed partial class KafkaAdminClient
{
    /// <summary>
    /// Runs <paramref name="action"/> on one broker that supports <paramref name="api"/>: open connections first, then
    /// the other known brokers, then the bootstrap servers. A broker that fails to connect or answer is skipped; when
    /// all fail the error names each. A broker's error code (a <see cref="KafkaException"/> from the answer) is final.
    /// </summary>
    private async Task<T> OnAnyBrokerAsync<T>(KafkaApi api, Func<KafkaBrokerConnection, Task<T>> action, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var failures = new List<string>();
        var unsupported = 0;
        var nodes = _pool.NodeIds.OrderBy(id => _pool.IsConnected(id) ? 0 : 1).ToList();
        foreach (var node in nodes)
        {
            try
            {
                var connection = await _pool.GetAsync(node, ct).ConfigureAwait(false);
                if (!connection.Supports(api))
                {
                    unsupported++;
                    continue;
                }

                return await action(connection).ConfigureAwait(false);
            }
            catch (Exception e) when (IsBrokerFailure(e))
            {
                failures.Add(e.Message);
            }
        }

        if (unsupported > 0 && failures.Count == 0)
        {
            throw new KafkaUnsupportedException($"{api.Name} (versions {api.MinVersion}-{api.MaxVersion}) is not supported by any broker");
        }

        return await OnBootstrapAsync(api, action, failures, ct).ConfigureAwait(false);
    }

    /// <summary>The last resort when no known broker answered: the bootstrap list, as at start.</summary>
    private async Task<T> OnBootstrapAsync<T>(KafkaApi api, Func<KafkaBrokerConnection, Task<T>> action, List<string> failures, CancellationToken ct)
    {
        foreach (var endpoint in _options.BootstrapServers)
        {
            try
            {
                await BootstrapFromAsync(endpoint, ct).ConfigureAwait(false);
                var nodes = _pool.NodeIds;
                var node = nodes.FirstOrDefault(_pool.IsConnected, nodes.Count > 0 ? nodes[0] : -1);
                if (node >= 0)
                {
                    var connection = await _pool.GetAsync(node, ct).ConfigureAwait(false);
                    return await action(connection).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (IsBrokerFailure(e))
            {
                failures.Add(e.Message);
            }
        }

        throw new KafkaConnectionException($"{api.Name}: no broker answered: " + string.Join("; ", failures.Distinct()));
    }

    /// <summary>Failures of one broker (another may do): unreachable, too slow, or garbled answers.</summary>
    private static bool IsBrokerFailure(Exception e) => e is KafkaConnectionException or KafkaTimeoutException or KafkaProtocolException;

    /// <summary>The client-side error code that stands for a broker failure in per-partition results.</summary>
    private static short FailureCode(Exception e) => e switch
    {
        KafkaTimeoutException => KafkaErrorCodes.TimedOut,
        KafkaUnsupportedException => KafkaErrorCodes.UnsupportedVersion,
        KafkaProtocolException => KafkaErrorCodes.BadMessage,
        KafkaException { ErrorCode: not 0 } k => k.ErrorCode,
        _ => KafkaErrorCodes.Transport,
    };
}
