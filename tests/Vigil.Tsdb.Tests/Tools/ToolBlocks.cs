using Vigil.Tsdb.Blocks;
using Vigil.Tsdb.Storage;
using static Vigil.Tsdb.Tests.HeadTests.HeadKit;

namespace Vigil.Tsdb.Tests.Tools;

/// <summary>
/// Two 2-hour blocks for the tool tests. The first holds <c>up</c> of instances a and b and the 200s; the second
/// <c>up</c> of a (b stopped: it has churned), the 200s and the 500s.
/// </summary>
internal static class ToolBlocks
{
    public const long Hour = 3_600_000;

    /// <summary>A multiple of 2 h, so the head cuts chunks at the block boundaries.</summary>
    public const long Start = 1_700_000_000_000 / (2 * Hour) * (2 * Hour);

    public static readonly Labels UpA = L("__name__", "up", "instance", "a", "job", "api");
    public static readonly Labels UpB = L("__name__", "up", "instance", "b", "job", "api");
    public static readonly Labels Ok = L("__name__", "http_requests_total", "code", "200", "job", "api");
    public static readonly Labels Failed = L("__name__", "http_requests_total", "code", "500", "job", "api");

    public static (Labels Labels, long T, double V)[] Samples =>
    [
        (UpA, Start, 1), (UpA, Start + Hour, 0), (UpA, Start + (2 * Hour), 1), (UpA, Start + (3 * Hour), StaleNaN),
        (UpB, Start, 1), (UpB, Start + Hour, 1),
        (Ok, Start + Hour, 10), (Ok, Start + (3 * Hour), 25.5),
        (Failed, Start + (2 * Hour), 1e6),
    ];

    /// <summary>Writes the two blocks under <paramref name="directory"/> and returns their metas, oldest first.</summary>
    public static BlockMeta[] Write(string directory)
    {
        using var head = new Head();
        foreach (var (labels, t, v) in Samples)
        {
            Assert.Equal(AppendError.None, head.Append(head.GetOrCreate(labels), t, v));
        }

        return
        [
            BlockWriter.Write(directory, head.ChunksInRange(Start, Start + (2 * Hour)), Start, Start + (2 * Hour))!,
            BlockWriter.Write(directory, head.ChunksInRange(Start + (2 * Hour), Start + (4 * Hour)), Start + (2 * Hour), Start + (4 * Hour))!,
        ];
    }

    /// <summary>Bytes of the index and chunk segments of every block directory named by <paramref name="metas"/>.</summary>
    public static long Bytes(string directory, IEnumerable<BlockMeta> metas) => metas.Sum(meta =>
    {
        string block = Path.Combine(directory, meta.Ulid.ToString());
        return new FileInfo(Path.Combine(block, "index")).Length + Directory.GetFiles(Path.Combine(block, "chunks")).Sum(f => new FileInfo(f).Length);
    });

    /// <summary>Every file under <paramref name="directory"/> with its size and write time: what "unchanged" means.</summary>
    public static List<string> Snapshot(string directory) =>
        [.. Directory.GetFileSystemEntries(directory, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(p => File.Exists(p) ? $"{p} {new FileInfo(p).Length} {File.GetLastWriteTimeUtc(p):O}" : p + "/")];
}
