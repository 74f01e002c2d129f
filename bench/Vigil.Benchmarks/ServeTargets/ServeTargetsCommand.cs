namespace Vigil.Benchmarks.ServeTargets;

/// <summary>
/// <c>Vigil.Benchmarks serve-targets ...</c>: the scrape targets of bench/compare/scrape-scale.sh. Builds every
/// page first, then listens until SIGTERM; progress goes to stderr.
/// </summary>
internal static class ServeTargetsCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        ServeTargetsOptions options;
        try
        {
            options = ServeTargetsOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync($"serve-targets: {ex.Message}\n{ServeTargetsOptions.Usage}").ConfigureAwait(false);
            return 2;
        }

        var layout = NodePageLayout.Create(options.Series);
        TargetPages pages = TargetPages.Build(layout, options.Targets, options.Variants);
        int pageCount = options.Targets * options.Variants;
        await Console.Error.WriteLineAsync(FormattableString.Invariant(
            $"serve-targets: {options.Targets} targets x {options.Variants} variants x {layout.SeriesCount} series ({layout.Lines.Count} lines), {pages.RawBytes / pageCount / 1024.0:F1} KiB/page, gzip {pages.GzipBytes / pageCount / 1024.0:F1} KiB/page, built in {pages.BuildTime.TotalSeconds:F1} s")).ConfigureAwait(false);

        // The build's garbage goes now, so the server's RSS and CPU while serving are its own.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        await using var server = new TargetServer(options, pages);
        await server.StartAsync().ConfigureAwait(false);
        await Console.Error.WriteLineAsync($"serve-targets: listening on http://{options.Listen}/metrics?target={options.TargetName(0)}").ConfigureAwait(false);
        await server.WaitForShutdownAsync().ConfigureAwait(false);
        return 0;
    }
}
