using System.Text;
using Microsoft.Win32.SafeHandles;
using Vigil.Tsdb.Blocks;
using Vigil.Tsdb.Tools;

namespace Vigil.Cli;

/// <summary>
/// <c>vigil tsdb analyze</c> and <c>vigil tsdb dump</c>: open the blocks of a TSDB directory read-only
/// (<see cref="BlockDirectory.OpenReadOnly"/>: a tool never changes the data it inspects) and write to stdout.
/// Exit codes as <c>wal inspect</c>: 2 for a directory that does not exist (a bad argument), 1 when the blocks cannot
/// be read (a corrupt block, a permission), one line on stderr either way.
/// </summary>
internal static class TsdbCommands
{
    public static int Analyze(CliCommand.TsdbAnalyze command) => Run("tsdb analyze", command.Directory, (blocks, stdout) =>
    {
        var analysis = TsdbAnalyzer.Analyze(blocks, command.Limit);
        if (command.Json)
        {
            analysis.WriteJson(stdout);
        }
        else
        {
            using var writer = new StreamWriter(stdout, new UTF8Encoding(false), leaveOpen: true);
            analysis.WriteText(writer);
        }

        WarnIfDataDirectory("tsdb analyze", blocks);
    });

    public static int Dump(CliCommand.TsdbDump command) => Run("tsdb dump", command.Directory, (blocks, stdout) =>
    {
        TsdbDump.Write(blocks, command.Selectors, command.MinTime, command.MaxTime, stdout);
        WarnIfDataDirectory("tsdb dump", blocks);
    });

    private static int Run(string name, string directory, Action<BlockDirectory, Stream> write)
    {
        if (!Directory.Exists(directory))
        {
            Console.Error.WriteLine($"vigil: {name}: no such directory '{directory}'");
            return 2;
        }

        using var stdout = new StdoutStream(OpenStandardOutput());
        try
        {
            using var blocks = BlockDirectory.OpenReadOnly(directory);
            write(blocks, stdout);
            stdout.Flush();
            return 0;
        }
        catch (Exception) when (stdout.WriteFailed)
        {
            // The reader went away (`vigil tsdb dump ... | head`) or stdout is closed: stop quietly, as a Go tool
            // killed by SIGPIPE does; the exit code still says the output is incomplete.
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"vigil: {name}: {e.Message.ReplaceLineEndings(" ")}");
            return 1;
        }
    }

    /// <summary>
    /// Stdout as a plain file descriptor on Unix: the console stream drops writes to a closed pipe without a word, so
    /// <c>vigil tsdb dump | head</c> would read every block to the end; a FileStream reports EPIPE as an IOException.
    /// </summary>
    private static Stream OpenStandardOutput() => OperatingSystem.IsWindows()
        ? Console.OpenStandardOutput()
        : new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);

    /// <summary>A hint on stderr when DIR looks like the data directory rather than the TSDB directory in it.</summary>
    private static void WarnIfDataDirectory(string name, BlockDirectory blocks)
    {
        string tsdb = Path.Combine(blocks.Path, "tsdb");
        if (blocks.Blocks.Count == 0 && Directory.Exists(tsdb))
        {
            Console.Error.WriteLine($"vigil: {name}: no blocks in '{blocks.Path}'; the TSDB directory is '{tsdb}'");
        }
    }

    /// <summary>Stdout, remembering whether a write failed, so a closed pipe is told apart from a block that cannot be read.</summary>
    private sealed class StdoutStream(Stream inner) : Stream
    {
        public bool WriteFailed { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            try
            {
                inner.Write(buffer);
            }
            catch
            {
                WriteFailed = true;
                throw;
            }
        }

        public override void Flush()
        {
            try
            {
                inner.Flush();
            }
            catch
            {
                WriteFailed = true;
                throw;
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
