using Vigil.Monitors.Model;

namespace Vigil.Monitors.Scheduling;

/// <summary>Receives a monitor's status after a round whose outcome differs from the one before (so the store is written on change only).</summary>
internal interface IMonitorStatusSink
{
    Task ReportAsync(string id, MonitorStatus status, string? lastError);
}
