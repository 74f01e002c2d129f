using System.Net;
using System.Text.RegularExpressions;
using Vigil.TestSupport;

namespace Vigil.Monitors.Tests.Api;

/// <summary>
/// A reload that changes the <c>monitors</c> section restarts the platform with it (issue 7, "a user folder loaded
/// at start and on reload"; Grafana Agent applies a changed instance the same way): the monitors stay (they live in
/// the store), the new section's settings apply, the platform's self-metrics are registered again without a
/// duplicate (the brief's rule 1), and a section that cannot start leaves the previous one running.
/// </summary>
public sealed class MonitorsReloadTests
{
    private const string Instances = "metrics:\n  configs:\n    - name: default\n";

    [Fact]
    public async Task A_changed_monitors_section_restarts_the_platform_and_keeps_the_monitors()
    {
        using var dir = new TempDir("monitors-reload");
        string templates = dir.CreateSubdirectory("templates");
        string shipped = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "templates", "port.yml"));
        await File.WriteAllTextAsync(Path.Combine(templates, "port2.yml"), shipped.Replace("app: port", "app: port2", StringComparison.Ordinal));

        await using var api = await MonitorApi.StartAsync(Instances + "monitors:\n  max_concurrency: 4\n", dir);
        var first = api.Vigil.Server.Monitors;
        string id = (string)(await api.CreateAsync(MonitorApi.Website("shop")))["id"]!;
        Assert.DoesNotContain("\"port2\"", await api.Client.GetStringAsync("/api/v1/monitor-types"), StringComparison.Ordinal);

        await api.Vigil.WriteConfigAsync(Instances + $"monitors:\n  max_concurrency: 8\n  templates_directory: {templates}\n");
        using (var reload = await api.Vigil.ReloadAsync())
        {
            Assert.True(reload.StatusCode == HttpStatusCode.OK, await reload.Content.ReadAsStringAsync());
        }

        Assert.NotNull(api.Vigil.Server.Monitors);
        Assert.NotSame(first, api.Vigil.Server.Monitors);
        Assert.Contains("\"port2\"", await api.Client.GetStringAsync("/api/v1/monitor-types"), StringComparison.Ordinal);
        var (status, monitor) = await api.SendAsync(HttpMethod.Get, "/api/v1/monitors/" + id);
        Assert.True(status == 200 && (string?)monitor["name"] == "shop", monitor.ToJsonString());

        // Every family once: the old platform's scope went with it.
        string metrics = await api.Client.GetStringAsync("/metrics");
        var help = Regex.Matches(metrics, "^# HELP (vigil_monitor\\S*) ", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(help);
        Assert.Equal(help.Distinct(StringComparer.Ordinal).Count(), help.Count);
    }

    [Fact]
    public async Task A_monitors_section_that_cannot_start_fails_the_reload_and_the_previous_one_keeps_running()
    {
        using var dir = new TempDir("monitors-reload-bad");
        await using var api = await MonitorApi.StartAsync(Instances, dir);
        string id = (string)(await api.CreateAsync(MonitorApi.Website("shop")))["id"]!;

        // Port 1 on loopback refuses at once; the store's open fails with the reason.
        await api.Vigil.WriteConfigAsync(Instances + "monitors:\n  store: postgres://vigil:secret@127.0.0.1:1/vigil\n  store_timeout: 2s\n");
        using (var reload = await api.Vigil.ReloadAsync())
        {
            string body = await reload.Content.ReadAsStringAsync();
            Assert.True(reload.StatusCode == HttpStatusCode.BadRequest, body);
            Assert.StartsWith("monitors: ", body, StringComparison.Ordinal);
        }

        var (status, monitor) = await api.SendAsync(HttpMethod.Get, "/api/v1/monitors/" + id);
        Assert.True(status == 200 && (string?)monitor["name"] == "shop", monitor.ToJsonString());
    }
}
