using Vigil.Hosting;
using Vigil.PromQL.Engine;
using Vigil.Scrape.Loop;

namespace Vigil.Http;

/// <summary>How the running server feeds the query API: its storage, its instances' scrape loops, its runtime status.</summary>
internal static class QueryApiWiring
{
    /// <summary>The sources of <paramref name="server"/>, with one engine for the process (stateless between queries).</summary>
    public static QueryApiSources Sources(VigilServer server, IQueryEngine? engine = null) => new(
        () => server.Storage,
        () => server.Storage?.Head,
        engine ?? new QueryEngine(),
        () => ScrapeMetadataOf(server),
        server.Runtime);

    private static IEnumerable<ScrapeMetadata> ScrapeMetadataOf(VigilServer server)
    {
        foreach (var name in server.Instances.Names)
        {
            if (server.Instances.Find(name)?.Current?.Scrapes is { } scrapes)
            {
                foreach (var active in scrapes.Active)
                {
                    yield return active.Loop.Metadata;
                }
            }
        }
    }
}
