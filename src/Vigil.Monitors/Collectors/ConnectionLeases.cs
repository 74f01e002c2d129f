using Vigil.Monitors.Metrics;

namespace Vigil.Monitors.Collectors;

/// <summary>
/// The connection of one monitor (issue 7, "Connection leases"; the brief's rule 2). A client is held under the
/// fingerprint of everything that decides what it talks to (endpoint, credentials, TLS and protocol options).
/// Asking with another fingerprint disposes the held client <em>before</em> building the new one, so an edited
/// monitor never has two; a client reported failed is disposed at once and rebuilt only after a backoff; disposing
/// the leases (pause, delete, shutdown) disposes the client. One monitor's rounds never overlap, so one lease
/// holder needs no lock of its own beyond the one that keeps dispose and acquire apart.
/// </summary>
internal sealed class ConnectionLeases : IAsyncDisposable
{
    private static readonly TimeSpan MinBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);

    private readonly ConnectionMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Held? _held;
    private TimeSpan _backoff;
    private DateTimeOffset _retryAt;
    private bool _disposed;

    public ConnectionLeases(ConnectionMetrics metrics, TimeProvider? time = null)
    {
        _metrics = metrics;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>For the API: <c>none</c>, <c>open</c> (with protocol) or <c>backoff</c>.</summary>
    public LeaseState State
    {
        get
        {
            var held = _held;
            if (held is not null)
            {
                return new LeaseState("open", held.Protocol, held.Fingerprint, null);
            }

            return _retryAt > _time.GetUtcNow() ? new LeaseState("backoff", null, null, _retryAt) : new LeaseState("none", null, null, null);
        }
    }

    /// <summary>
    /// The client for <paramref name="fingerprint"/>: the held one if it matches, else a new one from
    /// <paramref name="connect"/> after the old one is disposed.
    /// </summary>
    /// <exception cref="CollectException">Reason <c>backoff</c> while a failed client waits to be rebuilt.</exception>
    public async Task<TClient> AcquireAsync<TClient>(string protocol, string fingerprint, Func<CancellationToken, Task<TClient>> connect, CancellationToken cancellationToken)
        where TClient : class, IAsyncDisposable
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_held is { } held && held.Fingerprint == fingerprint && held.Client is TClient same)
            {
                return same;
            }

            await CloseHeldAsync().ConfigureAwait(false);
            if (_time.GetUtcNow() < _retryAt)
            {
                // A stable text: the status is stored only when it changes, and a countdown would change every round.
                throw new CollectException("backoff", "waiting to reconnect after a failed connection");
            }

            var client = await ConnectAsync(connect, cancellationToken).ConfigureAwait(false);
            _held = new Held(protocol, fingerprint, client);
            _metrics.Opened(protocol);
            return client;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The held client failed: dispose it now and wait a growing backoff before the next one.</summary>
    public Task FailAsync() => UnderGateAsync(async () =>
    {
        await CloseHeldAsync().ConfigureAwait(false);
        StartBackoff();
    });

    /// <summary>Closes the held client, if any, without a backoff (the monitor no longer uses this protocol).</summary>
    public Task CloseAsync() => UnderGateAsync(CloseHeldAsync);

    public async ValueTask DisposeAsync() => await UnderGateAsync(() =>
    {
        _disposed = true;
        return CloseHeldAsync();
    }).ConfigureAwait(false);

    private async Task UnderGateAsync(Func<Task> action)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await action().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<TClient> ConnectAsync<TClient>(Func<CancellationToken, Task<TClient>> connect, CancellationToken cancellationToken)
    {
        try
        {
            var client = await connect(cancellationToken).ConfigureAwait(false);
            _backoff = TimeSpan.Zero;
            return client;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            StartBackoff();
            throw;
        }
    }

    private void StartBackoff()
    {
        _backoff = _backoff == TimeSpan.Zero ? MinBackoff : TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, _backoff.Ticks * 2));
        _retryAt = _time.GetUtcNow() + _backoff;
    }

    private async Task CloseHeldAsync()
    {
        if (_held is not { } held)
        {
            return;
        }

        _held = null;
        _metrics.Closed(held.Protocol);
        await held.Client.DisposeAsync().ConfigureAwait(false);
    }

    private sealed record Held(string Protocol, string Fingerprint, IAsyncDisposable Client);
}

/// <summary>A lease as the API shows it.</summary>
internal sealed record LeaseState(string State, string? Protocol, string? Fingerprint, DateTimeOffset? RetryAt);
