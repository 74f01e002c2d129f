using Vigil.Monitors.Model;
using Vigil.Monitors.Store;

namespace Vigil.Monitors.Tests.Store;

/// <summary>What every store must do; run once per database by the subclasses.</summary>
public abstract class MonitorStoreContract
{
    /// <summary>A fresh, migrated store, or null when the database is not available here (reason printed).</summary>
    private protected abstract Task<SqlMonitorStore?> OpenAsync();

    /// <summary>Closes the store and its database process if any, and opens both again on the same data.</summary>
    private protected abstract Task<SqlMonitorStore> RestartAsync(SqlMonitorStore store);

    internal static MonitorDefinition Monitor(string id, string name, string app = "port", MonitorStatus status = MonitorStatus.Unknown, params (string, string)[] labels)
    {
        var sortedLabels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (n, v) in labels)
        {
            sortedLabels[n] = v;
        }

        return new MonitorDefinition
        {
            Id = id,
            Name = name,
            App = app,
            Params = new SortedDictionary<string, ParamValue>(StringComparer.Ordinal)
            {
                ["host"] = ParamValue.OfText("127.0.0.1"),
                ["headers"] = ParamValue.OfMap([new("X-A", "1")]),
                ["password"] = ParamValue.OfText("s3cret"),
            },
            Interval = TimeSpan.FromSeconds(30),
            Labels = sortedLabels,
            Description = "d " + name,
            Status = status,
            Created = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000),
            Updated = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000),
        };
    }

    [Fact]
    public async Task RoundTripsEveryField()
    {
        await using var store = await OpenAsync();
        if (store is null)
        {
            return;
        }

        var monitor = Monitor("a1", "alpha", labels: ("team", "web")) with { LastError = "boom", Status = MonitorStatus.Down, Instance = "other" };
        await store.InsertAsync(monitor);
        var read = await store.GetAsync("a1");
        Assert.NotNull(read);
        AssertSame(monitor, read);
        Assert.Null(await store.GetAsync("missing"));
    }

    [Fact]
    public async Task DuplicateIdOrNameConflicts()
    {
        await using var store = await OpenAsync();
        if (store is null)
        {
            return;
        }

        await store.InsertAsync(Monitor("a1", "alpha"));
        await store.InsertAsync(Monitor("b1", "beta"));
        await Assert.ThrowsAsync<MonitorConflictException>(() => store.InsertAsync(Monitor("a1", "other")));
        await Assert.ThrowsAsync<MonitorConflictException>(() => store.InsertAsync(Monitor("c1", "alpha")));
        await Assert.ThrowsAsync<MonitorConflictException>(() => store.UpdateAsync(Monitor("b1", "alpha")));
        Assert.False(await store.UpdateAsync(Monitor("zz", "zeta")));
    }

    [Fact]
    public async Task FiltersAndPages()
    {
        await using var store = await OpenAsync();
        if (store is null)
        {
            return;
        }

        for (var i = 0; i < 25; i++)
        {
            var app = i % 2 == 0 ? "port" : "website";
            var status = i % 5 == 0 ? MonitorStatus.Paused : MonitorStatus.Up;
            await store.InsertAsync(Monitor($"id{i:00}", $"m{i:00}", app, status, ("team", i < 10 ? "web" : "db"), ("env", "prod")));
        }

        var page = await store.ListAsync(new MonitorQuery { Offset = 10, Limit = 10 });
        Assert.Equal(25, page.Total);
        Assert.Equal(Enumerable.Range(10, 10).Select(i => $"m{i:00}"), page.Items.Select(m => m.Name));

        var ports = await store.ListAsync(new MonitorQuery { App = "port", Limit = 100 });
        Assert.Equal(13, ports.Total);
        Assert.All(ports.Items, m => Assert.Equal("port", m.App));

        var query = new MonitorQuery { App = "port", Status = MonitorStatus.Paused, Labels = [new("team", "db"), new("env", "prod")] };
        Assert.Equal(["m10", "m20"], (await store.ListAsync(query)).Items.Select(m => m.Name));
        Assert.Equal(0, (await store.ListAsync(new MonitorQuery { Labels = [new("team", "nobody")] })).Total);
    }

    [Fact]
    public async Task UpdateStatusAndDelete()
    {
        await using var store = await OpenAsync();
        if (store is null)
        {
            return;
        }

        await store.InsertAsync(Monitor("a1", "alpha", labels: ("team", "web")));
        await store.InsertAsync(Monitor("b1", "beta"));
        await store.InsertAsync(Monitor("c1", "gamma"));
        Assert.True(await store.UpdateAsync(Monitor("a1", "alpha2", labels: ("team", "db")) with { Interval = TimeSpan.FromMinutes(5) }));
        await store.UpdateStatusAsync("b1", MonitorStatus.Down, "connection refused");

        Assert.Equal(TimeSpan.FromMinutes(5), (await store.GetAsync("a1"))!.Interval);
        Assert.Equal(1, (await store.ListAsync(new MonitorQuery { Labels = [new("team", "db")] })).Total);
        Assert.Equal(0, (await store.ListAsync(new MonitorQuery { Labels = [new("team", "web")] })).Total);
        var beta = (await store.GetAsync("b1"))!;
        Assert.Equal((MonitorStatus.Down, "connection refused"), (beta.Status, beta.LastError));

        Assert.Equal(2, await store.DeleteAsync(["a1", "c1", "missing"]));
        Assert.Equal(["beta"], (await store.AllAsync()).Select(m => m.Name));
        Assert.Equal(0, (await store.ListAsync(new MonitorQuery { Labels = [new("team", "db")] })).Total);
    }

    [Fact]
    public async Task SurvivesRestartAndMigratesOnce()
    {
        var store = await OpenAsync();
        if (store is null)
        {
            return;
        }

        await store.InsertAsync(Monitor("a1", "alpha") with { Interval = TimeSpan.FromSeconds(7) });
        await store.InsertAsync(Monitor("p1", "paused", status: MonitorStatus.Paused));
        await store.UpdateStatusAsync("a1", MonitorStatus.Down, "timeout");
        store = await RestartAsync(store);
        await using (store)
        {
            await store.MigrateAsync();
            var all = await store.AllAsync();
            Assert.Equal(["alpha", "paused"], all.Select(m => m.Name));
            Assert.Equal((TimeSpan.FromSeconds(7), MonitorStatus.Down, "timeout"), (all[0].Interval, all[0].Status, all[0].LastError));
            Assert.Equal(MonitorStatus.Paused, all[1].Status);
        }
    }

    private static void AssertSame(MonitorDefinition expected, MonitorDefinition actual)
    {
        Assert.Equal(expected.Params, actual.Params);
        Assert.Equal(expected.Labels, actual.Labels);
        Assert.Equal(expected with { Params = actual.Params, Labels = actual.Labels }, actual);
    }
}
