using Vigil.Tsdb.Blocks;
using Vigil.Tsdb.Tools;
using static Vigil.Tsdb.Tests.BlockTests.BlockKit;
using static Vigil.Tsdb.Tests.Tools.ToolBlocks;

namespace Vigil.Tsdb.Tests.BlockTests;

/// <summary>The tools' open (<c>vigil tsdb analyze</c>, <c>dump</c>): what a normal open deletes is skipped instead, and nothing on disk changes.</summary>
public sealed class BlockDirectoryReadOnlyTests
{
    [Fact]
    public void Leftovers_and_superseded_blocks_are_skipped_listed_and_left_in_place()
    {
        using var temp = new TempDirectory();
        using var backup = new TempDirectory();
        var metas = Write(temp.Path);
        foreach (var meta in metas)
        {
            BlockDirectoryTests.CopyDirectory(BlockPath(temp.Path, meta), Path.Combine(backup.Path, meta.Ulid.ToString()));
        }

        Ulid compacted;
        using (var blocks = BlockDirectory.Open(temp.Path))
        {
            compacted = new Compactor(blocks).Compact(blocks.Blocks)!.Ulid;
        }

        // As if a crash came between the compacted block's rename and the deletion of its sources, and during a write.
        foreach (var meta in metas)
        {
            BlockDirectoryTests.CopyDirectory(Path.Combine(backup.Path, meta.Ulid.ToString()), BlockPath(temp.Path, meta));
        }

        string partial = Path.Combine(temp.Path, Ulid.New() + ".tmp");
        Directory.CreateDirectory(Path.Combine(partial, "chunks"));
        string deleting = Path.Combine(temp.Path, Ulid.New() + ".tmp-for-deletion");
        Directory.CreateDirectory(deleting);
        var before = Snapshot(temp.Path);

        using (var readOnly = BlockDirectory.OpenReadOnly(temp.Path))
        {
            Assert.True(readOnly.IsReadOnly);
            Assert.Equal([compacted], readOnly.Blocks.Select(b => b.Ulid));
            Assert.Equal(
                new[] { partial, deleting, BlockPath(temp.Path, metas[0]), BlockPath(temp.Path, metas[1]) }.Order(StringComparer.Ordinal),
                readOnly.Skipped.Select(s => s.Directory));
            Assert.Contains("compacted into another block", readOnly.Skipped.Single(s => s.Directory == BlockPath(temp.Path, metas[0])).Reason, StringComparison.Ordinal);

            // Each sample once: the sources are not read next to the block they were compacted into.
            var analysis = TsdbAnalyzer.Analyze(readOnly);
            Assert.Equal((1, 4, 9L), (analysis.Blocks.Count, (int)analysis.Series, analysis.Samples));
            Assert.Equal(0, analysis.ChurnedSeries);

            Assert.Throws<InvalidOperationException>(() => readOnly.Delete(readOnly.Blocks, "test"));
            Assert.Throws<InvalidOperationException>(() => readOnly.Replace([], readOnly.Blocks[0]));
            Assert.Throws<InvalidOperationException>(() => readOnly.WriteBlock([], Start, Start + 1));
        }

        Assert.Equal(before, Snapshot(temp.Path));

        // The normal open still cleans up.
        using var normal = BlockDirectory.Open(temp.Path);
        Assert.Equal([compacted], Directory.GetDirectories(temp.Path).Select(d => Ulid.Parse(Path.GetFileName(d))));
    }

    [Fact]
    public void A_missing_directory_is_not_created()
    {
        using var temp = new TempDirectory();
        string missing = Path.Combine(temp.Path, "tsdb");
        Assert.Throws<DirectoryNotFoundException>(() => BlockDirectory.OpenReadOnly(missing));
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public void A_corrupt_block_still_stops_the_open()
    {
        using var temp = new TempDirectory();
        var metas = Write(temp.Path);
        File.WriteAllBytes(Path.Combine(BlockPath(temp.Path, metas[1]), "index"), [1, 2, 3]);
        var e = Assert.Throws<CorruptBlockException>(() => BlockDirectory.OpenReadOnly(temp.Path));
        Assert.Contains(metas[1].Ulid.ToString(), e.Message, StringComparison.Ordinal);
    }
}
