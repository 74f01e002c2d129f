using Vigil.Tsdb.Tools;

namespace Vigil.Cli;

internal abstract record CliCommand
{
    private CliCommand()
    {
    }

    /// <summary>
    /// <c>vigil run [--config FILE] [--listen HOST:PORT] [--data DIR] [--web.enable-admin-api]</c>; also what no
    /// arguments mean. <paramref name="EnableAdminApi"/> maps the TSDB admin endpoints, off by default as in Prometheus.
    /// </summary>
    internal sealed record Run(string? ConfigFile, string? Listen, string DataDirectory, bool EnableAdminApi = false) : CliCommand;

    /// <summary><c>vigil wal inspect [--series] DIR</c>; <paramref name="Series"/> adds one entry per series to the JSON.</summary>
    internal sealed record WalInspect(string Directory, bool Series = false) : CliCommand;

    /// <summary><c>vigil tsdb analyze [--json] [--limit N] DIR</c>: the cardinality report over the blocks in <paramref name="Directory"/>.</summary>
    internal sealed record TsdbAnalyze(string Directory, bool Json = false, int Limit = TsdbAnalyzer.DefaultLimit) : CliCommand;

    /// <summary>
    /// <c>vigil tsdb dump [--match SELECTOR]... [--min-time MS] [--max-time MS] DIR</c>: the samples of the series
    /// any selector selects (every series without one), in [<paramref name="MinTime"/>, <paramref name="MaxTime"/>].
    /// </summary>
    internal sealed record TsdbDump(string Directory, IReadOnlyList<SeriesSelector> Selectors, long MinTime = long.MinValue, long MaxTime = long.MaxValue) : CliCommand;

    internal sealed record Version : CliCommand;

    internal sealed record Help : CliCommand;
}

/// <summary>A bad command line: one line for the user, exit code 2.</summary>
internal sealed class UsageException : Exception
{
    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException()
    {
    }

    public UsageException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
