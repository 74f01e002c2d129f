using Vigil.Monitors.Collectors;
using Vigil.Monitors.Metrics;
using Vigil.Monitors.Model;
using Vigil.Monitors.Templates;

namespace Vigil.Monitors.Tests.Collectors;

/// <summary>One collection of a shipped template's monitor, reduced to what the tests assert on.</summary>
internal static class ProbeRound
{
    private static readonly TemplateCatalog Shipped = TemplateCatalog.Load(TemplateCatalog.ShippedDirectory, null);

    public static MonitorTemplate Template(string app) => Shipped.Find(app)!;

    /// <summary>A validated monitor of <paramref name="app"/> with these params.</summary>
    public static MonitorDefinition Monitor(string app, string id, params (string Field, string Value)[] values)
    {
        var input = new Dictionary<string, ParamValue>(StringComparer.Ordinal);
        foreach (var (field, value) in values)
        {
            input[field] = ParamValue.OfText(value);
        }

        return new MonitorDefinition { Id = id, Name = id, App = app, Params = ParamValidator.Validate(Template(app), input), Interval = TimeSpan.FromSeconds(10) };
    }

    /// <summary>Runs <paramref name="collector"/> once; the first group's first row by field, and the failure.</summary>
    public static async Task<(Dictionary<string, double> Probe, string? Reason, string? Message)> RunAsync(
        ICollector collector, MonitorDefinition monitor, ConnectionLeases? leases = null, TimeSpan? timeout = null)
    {
        var template = Template(monitor.App);
        var rows = new CollectionRows(template);
        rows.Reset(_ => true);
        var own = leases is null ? new ConnectionLeases(ConnectionMetrics.Unregistered()) : null;
        try
        {
            await collector.CollectAsync(new CollectContext(monitor, template, rows, leases ?? own!, timeout ?? TimeSpan.FromSeconds(5)), CancellationToken.None);
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync();
            }
        }

        var group = rows.Groups[0];
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var f = 0; f < group.Group.Fields.Count && group.Count > 0; f++)
        {
            if (!double.IsNaN(group[0].Values[f]))
            {
                values[group.Group.Fields[f].Field] = group[0].Values[f];
            }
        }

        return (values, rows.FailureReason, rows.FailureMessage);
    }
}
