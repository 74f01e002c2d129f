namespace Vigil.Tsdb.Chunks;

/// <summary>
/// A chunk's first and last samples sit at its min and max time, so either inside [mint, maxt] proves the chunk has
/// a sample there without decoding it. The head's and the blocks' series sets ask this before their decode probe:
/// only a chunk that straddles the whole range needs one (the usual instant query, a 5 m window at the end of a
/// chunk, and range queries over whole chunks never decode twice).
/// </summary>
internal static class ChunkEnds
{
    public static bool InRange(long minTime, long maxTime, long mint, long maxt) =>
        (minTime >= mint && minTime <= maxt) || (maxTime >= mint && maxTime <= maxt);
}
