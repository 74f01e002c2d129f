using System.Globalization;

namespace Vigil.TestShared.Kafka;

/// <summary>The OS's view (Linux <c>/proc/net/tcp*</c>) of established connections to local ports, e.g. mock brokers.</summary>
internal static class SocketCount
{
    /// <summary>Established client-side sockets whose remote end is one of <paramref name="ports"/>; -1 without /proc.</summary>
    public static int EstablishedTo(IEnumerable<int> ports)
    {
        var wanted = ports.ToHashSet();
        var files = new[] { "/proc/net/tcp", "/proc/net/tcp6" }.Where(File.Exists).ToArray();
        if (files.Length == 0)
        {
            return -1;
        }

        var count = 0;
        foreach (var line in files.SelectMany(f => File.ReadLines(f).Skip(1)))
        {
            var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var remote = columns[2];
            var port = int.Parse(remote[(remote.IndexOf(':', StringComparison.Ordinal) + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            count += wanted.Contains(port) && columns[3] == "01" ? 1 : 0;
        }

        return count;
    }

    /// <summary>Polls until <paramref name="expected"/> sockets remain or <paramref name="within"/> passes; returns the last count.</summary>
    public static async Task<int> WaitForAsync(IEnumerable<int> ports, int expected, TimeSpan within)
    {
        var list = ports.ToList();
        var deadline = DateTime.UtcNow + within;
        var count = EstablishedTo(list);
        while (count != expected && count >= 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
            count = EstablishedTo(list);
        }

        return count;
    }
}
