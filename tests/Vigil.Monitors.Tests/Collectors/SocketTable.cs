using System.Globalization;

namespace Vigil.Monitors.Tests.Collectors;

/// <summary>The OS's view (Linux <c>/proc/net/tcp*</c>): established connections whose remote end is a local port.</summary>
internal static class SocketTable
{
    private const string Established = "01";

    /// <summary>Established client-side sockets to <paramref name="port"/> on this machine; -1 where /proc is not there.</summary>
    public static int EstablishedTo(int port)
    {
        var files = new[] { "/proc/net/tcp", "/proc/net/tcp6" }.Where(File.Exists).ToArray();
        if (files.Length == 0)
        {
            return -1;
        }

        var count = 0;
        foreach (var file in files)
        {
            foreach (var line in File.ReadLines(file).Skip(1))
            {
                var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var remote = columns[2];
                var remotePort = int.Parse(remote[(remote.IndexOf(':', StringComparison.Ordinal) + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (remotePort == port && columns[3] == Established)
                {
                    count++;
                }
            }
        }

        return count;
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
