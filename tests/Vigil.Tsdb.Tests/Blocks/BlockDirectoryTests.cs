using Vigil.Tsdb.Blocks;
using static Vigil.Tsdb.Tests.BlockTests.BlockKit;

namespace Vigil.Tsdb.Tests.BlockTests;

/// <summary>
/// Opening the TSDB directory after a crash: what a crash at each step of a block write or a compaction leaves
/// behind is simulated on disk, and the open must find whole blocks only, each sample once.
/// (BlockCrashTests kills a real writer process.)
/// </summary>
public sealed class BlockDirectoryTests
{
    private const long TwoHours = 2 * 3_600_000;

    [Fact]
    public void Leftovers_of_an_unfinished_write_or_deletion_are_removed_and_whole_blocks_are_kept()
    {
        using var temp = new TempDirectory();
        using var head = FilledHead(series: 4, samples: 100);
        var whole = Cut(head, temp.Path, 0, TwoHours);

        // A crash mid-write: a .tmp directory with some files but no meta.json (the rename never happened).
        string partial = Path.Combine(temp.Path, Ulid.New() + ".tmp");
        CopyDirectory(BlockPath(temp.Path, whole), partial);
        File.Delete(Path.Combine(partial, "meta.json"));
        File.WriteAllBytes(Path.Combine(partial, "index"), [0xBA, 0xAA]);

        // A crash mid-deletion: the renamed-away remains of a block.
        string deleting = Path.Combine(temp.Path, Ulid.New() + ".tmp-for-deletion");
        Directory.CreateDirectory(Path.Combine(deleting, "chunks"));

        // Whatever else lives in the directory is not a block and is left alone.
        Directory.CreateDirectory(Path.Combine(temp.Path, "wal"));

        var log = new List<string>();
        using var blocks = BlockDirectory.Open(temp.Path, log.Add);
        Assert.Equal([whole.Ulid], blocks.Blocks.Select(b => b.Ulid));
        Assert.False(Directory.Exists(partial));
        Assert.False(Directory.Exists(deleting));
        Assert.True(Directory.Exists(Path.Combine(temp.Path, "wal")));
        Assert.Equal(2, log.Count);
        Assert.Equal(400, blocks.Blocks[0].Meta.Stats.NumSamples);

        using var querier = blocks.Querier();
        Assert.Equal(Describe(Read(head.Querier(), 0, TwoHours - 1)), Describe(Read(querier, long.MinValue, long.MaxValue)));
    }

    [Fact]
    public void Sources_a_crash_left_after_their_compacted_block_was_renamed_into_place_are_deleted_at_open()
    {
        using var temp = new TempDirectory();
        using var backup = new TempDirectory();
        using var head = FilledHead(series: 3, samples: 3 * 480);
        var metas = Enumerable.Range(0, 3).Select(i => Cut(head, temp.Path, i * TwoHours, (i + 1) * TwoHours)).ToList();
        foreach (var meta in metas)
        {
            CopyDirectory(BlockPath(temp.Path, meta), Path.Combine(backup.Path, meta.Ulid.ToString()));
        }

        Ulid compacted;
        using (var blocks = BlockDirectory.Open(temp.Path))
        {
            compacted = new Compactor(blocks).Compact(blocks.Blocks)!.Ulid;
        }

        // As if the process died after the rename, before deleting any source.
        foreach (var meta in metas)
        {
            CopyDirectory(Path.Combine(backup.Path, meta.Ulid.ToString()), BlockPath(temp.Path, meta));
        }

        var log = new List<string>();
        using (var reopened = BlockDirectory.Open(temp.Path, log.Add))
        {
            Assert.Equal([compacted], reopened.Blocks.Select(b => b.Ulid));
            Assert.Equal(3, log.Count);
            Assert.All(metas, m => Assert.False(Directory.Exists(BlockPath(temp.Path, m))));
            using var querier = reopened.Querier();
            Assert.Equal(Describe(Read(head.Querier(), 0, (3 * TwoHours) - 1)), Describe(Read(querier, long.MinValue, long.MaxValue)));
        }
    }

    [Fact]
    public void Blocks_are_listed_by_minimum_time_and_a_corrupt_one_is_set_aside_with_a_log_line_naming_file_and_reason()
    {
        using var temp = new TempDirectory();
        using var head = FilledHead(series: 2, samples: 3 * 480);
        var late = Cut(head, temp.Path, 2 * TwoHours, 3 * TwoHours);
        var early = Cut(head, temp.Path, 0, TwoHours);
        using (var blocks = BlockDirectory.Open(temp.Path))
        {
            Assert.Equal([early.Ulid, late.Ulid], blocks.Blocks.Select(b => b.Ulid));
            var middle = blocks.WriteBlock(head.ChunksInRange(TwoHours, 2 * TwoHours), TwoHours, 2 * TwoHours)!;
            Assert.Equal([early.Ulid, middle.Ulid, late.Ulid], blocks.Blocks.Select(b => b.Ulid));
        }

        string index = Path.Combine(BlockPath(temp.Path, late), "index");
        byte[] bytes = File.ReadAllBytes(index);
        bytes[0] ^= 0xFF;
        File.WriteAllBytes(index, bytes);
        var log = new List<string>();
        using var reopened = BlockDirectory.Open(temp.Path, log.Add);
        Assert.Equal([early.Ulid, Assert.Single(reopened.Blocks, b => b.Ulid != early.Ulid).Ulid], reopened.Blocks.Select(b => b.Ulid));
        Assert.DoesNotContain(late.Ulid, reopened.Blocks.Select(b => b.Ulid));
        string line = Assert.Single(log);
        Assert.Contains(index, line, StringComparison.Ordinal);
        Assert.Contains("magic", line, StringComparison.Ordinal);
        Assert.True(Directory.Exists(BlockPath(temp.Path, late) + BlockDirectory.CorruptSuffix));
    }

    [Fact]
    public void A_block_being_read_survives_its_replacement_until_the_reader_is_done()
    {
        using var temp = new TempDirectory();
        using var head = FilledHead(series: 2, samples: 3 * 480);
        using var blocks = BlockDirectory.Open(temp.Path);
        for (int i = 0; i < 3; i++)
        {
            blocks.WriteBlock(head.ChunksInRange(i * TwoHours, (i + 1) * TwoHours), i * TwoHours, (i + 1) * TwoHours);
        }

        string expected = Describe(Read(head.Querier(), 0, (3 * TwoHours) - 1));
        using var before = blocks.Querier();
        using var set = before.Select(long.MinValue, long.MaxValue, null);
        Assert.True(set.MoveNext());

        // The sources are closed and their directories deleted while the set above still reads them.
        new Compactor(blocks).Compact(blocks.Blocks);
        Assert.Single(blocks.Blocks);
        var it = set.Current.Iterator();
        int n = 0;
        while (it.Next())
        {
            n++;
        }

        Assert.Equal(3 * 480, n);
        using var after = blocks.Querier();
        Assert.Equal(expected, Describe(Read(after, long.MinValue, long.MaxValue)));
    }

    internal static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (string directory in Directory.GetDirectories(from))
        {
            CopyDirectory(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }
}
