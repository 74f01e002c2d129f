using Vigil.Monitors.Store;

namespace Vigil.Monitors.Tests.Store;

public sealed class PostgresUrlTests
{
    [Theory]
    [InlineData("postgres://u:p%40ss@db.local:6543/mon?sslmode=disable", "Host=db.local;Port=6543;Database=mon;Timeout=5;Username=u;Password=p@ss;SSL Mode=Disable")]
    [InlineData("postgresql://db.local", "Host=db.local;Port=5432;Database=postgres;Timeout=5")]
    public void UrlBecomesConnectionString(string url, string expected) =>
        Assert.Equal(expected, PostgresMonitorStore.ConnectionString(url, TimeSpan.FromSeconds(5)));

    [Theory]
    [InlineData("mysql://h/db")]
    [InlineData("postgres://h/db?colour=red")]
    public void BadUrlsAreRefused(string url) =>
        Assert.Throws<FormatException>(() => PostgresMonitorStore.ConnectionString(url, TimeSpan.FromSeconds(5)));

    [Fact]
    public void RedactsThePassword() =>
        Assert.Equal("postgres://u:***@h/db", PostgresMonitorStore.Redact("postgres://u:hunter2@h/db"));
}
