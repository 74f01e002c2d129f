using System.Diagnostics;
using System.Globalization;

namespace Vigil.Hosting;

/// <summary>
/// What <c>/api/v1/status/runtimeinfo</c> reports (issue 6): start time, working directory, the last config
/// load, WAL corruption repairs and retention. The server owns one and records each config load in it.
/// </summary>
internal sealed class RuntimeStatus
{
    private readonly Func<long> _corruptions;
    private long _lastConfigTicks;
    private volatile bool _reloadSuccess = true;

    /// <param name="storageRetention">Prometheus's text for the retention (<c>15d</c>, <c>15d or 1GiB</c>); empty without storage.</param>
    /// <param name="corruptions">WAL corruptions repaired since start (Prometheus: its WAL's corruption counter).</param>
    public RuntimeStatus(string storageRetention, Func<long> corruptions)
    {
        StorageRetention = storageRetention;
        _corruptions = corruptions;
        using var process = Process.GetCurrentProcess();
        StartTime = process.StartTime.ToUniversalTime();
        _lastConfigTicks = DateTime.UtcNow.Ticks;
    }

    public DateTime StartTime { get; }

    public string StorageRetention { get; }

    public bool ReloadSuccess => _reloadSuccess;

    public DateTime LastConfigTime => new(Interlocked.Read(ref _lastConfigTicks), DateTimeKind.Utc);

    public long CorruptionCount => _corruptions();

    /// <summary>A reload's outcome: Prometheus moves <c>lastConfigTime</c> only when a config applied.</summary>
    public void ConfigLoaded(bool success)
    {
        _reloadSuccess = success;
        if (success)
        {
            Interlocked.Exchange(ref _lastConfigTicks, DateTime.UtcNow.Ticks);
        }
    }

    /// <summary>
    /// Prometheus's runtimeinfo text for its retention flags: the time as <c>model.Duration</c>, the size as
    /// <c>units.Base2Bytes</c> (<c>512MiB</c>), both joined by <c> or </c>.
    /// </summary>
    public static string FormatRetention(TimeSpan time, long sizeBytes)
    {
        string timeText = time > TimeSpan.Zero ? PromQL.PromDuration.Format(time) : "";
        string sizeText = sizeBytes > 0 ? Base2Bytes(sizeBytes) : "";
        return timeText.Length > 0 && sizeText.Length > 0 ? timeText + " or " + sizeText : timeText + sizeText;
    }

    /// <summary>
    /// alecthomas/units' <c>Base2Bytes.String</c>: every non-zero remainder by powers of 1024, largest first
    /// (<c>1GiB</c>, <c>1GiB512MiB</c>, <c>100B</c>).
    /// </summary>
    private static string Base2Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        string text = "";
        for (int unit = 0; unit < units.Length && bytes != 0; unit++)
        {
            long remainder = bytes % 1024;
            if (remainder != 0)
            {
                text = remainder.ToString(CultureInfo.InvariantCulture) + units[unit] + text;
            }

            bytes /= 1024;
        }

        return text;
    }
}
