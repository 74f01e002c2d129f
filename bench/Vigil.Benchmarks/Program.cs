using BenchmarkDotNet.Running;
using Vigil.Benchmarks.KafkaCollect;
using Vigil.Benchmarks.Push;
using Vigil.Benchmarks.Scrape;
using Vigil.Benchmarks.ServeTargets;
using Vigil.Benchmarks.TsdbLoad;

// `push ...` is the load generator of bench/compare/remote-write.sh, `serve-targets ...` the scrape targets of
// bench/compare/scrape-scale.sh, `scrape-memory ...` its memory breakdown, `push-history ...` and `select-latency ...` the load and reads of
// bench/compare/tsdb.sh, `kafka-collect ...` one kafka monitor's round over a large mock cluster; anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "push")
{
    return await PushCommand.RunAsync(args[1..]).ConfigureAwait(false);
}

if (args.Length > 0 && args[0] == "serve-targets")
{
    return await ServeTargetsCommand.RunAsync(args[1..]).ConfigureAwait(false);
}

if (args.Length > 0 && args[0] == "push-history")
{
    return await HistoryPushCommand.RunAsync(args[1..]).ConfigureAwait(false);
}

if (args.Length > 0 && args[0] == "select-latency")
{
    return await SelectLatencyCommand.RunAsync(args[1..]).ConfigureAwait(false);
}

if (args.Length > 0 && args[0] == "chunk-bytes")
{
    return await ChunkBytesCommand.RunAsync(args[1..]).ConfigureAwait(false);
}

if (args.Length > 0 && args[0] == "head-memory")
{
    return await HeadMemoryCommand.RunAsync(args[1..]).ConfigureAwait(false);
}

if (args.Length > 0 && args[0] == "scrape-memory")
{
    return await ScrapeMemoryCommand.RunAsync(args[1..]).ConfigureAwait(false);
}

if (args.Length > 0 && args[0] == "kafka-collect")
{
    return await KafkaCollectCommand.RunAsync(args[1..]).ConfigureAwait(false);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
