using System.Globalization;

namespace Vigil.Monitors.Tests.Collectors;

/// <summary>The OS's view (Linux <c>/proc/net/tcp*</c>): established connections whose remote end is a local port.</summary>
internal static class SocketTable
{
    private const string Established = "01";

    /// <summary>Established client-side sockets to <paramref name="port"/> on this machine; -1 where /proc is not there.</summary>
    public static int EstablishedTo(int port) => EstablishedToEach([port])[0];

    /// <summary>
    /// Established client-side sockets to each of <paramref name="ports"/>, from one reading of the table, so counts
    /// for different ports are of the same moment (as near as the kernel's listing is); -1 each where /proc is not there.
    /// </summary>
    public static int[] EstablishedToEach(IReadOnlyList<int> ports)
    {
        var counts = new int[ports.Count];
        var files = new[] { "/proc/net/tcp", "/proc/net/tcp6" }.Where(File.Exists).ToArray();
        if (files.Length == 0)
        {
            Array.Fill(counts, -1);
            return counts;
        }

        var lines = files.SelectMany(f => File.ReadAllLines(f).Skip(1)).ToArray();
        foreach (var line in lines)
        {
            var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var remote = columns[2];
            var remotePort = int.Parse(remote[(remote.IndexOf(':', StringComparison.Ordinal) + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            for (var i = 0; i < ports.Count; i++)
            {
                counts[i] += remotePort == ports[i] && columns[3] == Established ? 1 : 0;
            }
        }

        return counts;
    }

    /// <summary>This process's open socket descriptors (links to <c>socket:[inode]</c>); -1 where /proc is not there.</summary>
    public static int OpenSockets()
    {
        if (!Directory.Exists("/proc/self/fd"))
        {
            return -1;
        }

        var count = 0;
        foreach (var fd in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                count += new FileInfo(fd).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true ? 1 : 0;
            }
            catch (IOException)
            {
                // Closed while listed.
            }
        }

        return count;
    }
}
