using Xunit.Abstractions;

namespace Vigil.Kafka.Tests.Codec;

/// <summary>
/// Truncated and corrupted responses: every one must give a <see cref="KafkaProtocolException"/> or a
/// <see cref="KafkaException"/> (a corrupted error code), never another exception type, a hang or a crash. The seed is
/// printed; set VIGIL_FUZZ_SEED to replay one.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private delegate void Parse(byte[] body, short version);

    // Names go through a table as in the client, so its decoding path is fuzzed too.
    private static readonly KafkaNameTable Names = new();

    private static readonly (string Name, Func<short, byte[]> Fixture, Parse Parse, int Min, int Max)[] Messages =
    [
        ("ApiVersions", ResponseFixtures.ApiVersions, (b, v) => Run(b, v, ApiVersionsMessage.ReadResponse), 0, 3),
        ("Metadata", ResponseFixtures.Metadata, (b, v) => Run(b, v, MetadataMessage.ReadResponse), 0, 12),
        ("ListOffsets", ResponseFixtures.ListOffsets, (b, v) => Run(b, v, (ref r, ver) => { ListOffsetsMessage.ReadResponse(ref r, ver, []); return 0; }), 0, 7),
        ("FindCoordinator", ResponseFixtures.FindCoordinator, (b, v) => Run(b, v, (ref r, ver) => FindCoordinatorMessage.ReadResponse(ref r, ver, "g")), 0, 4),
        ("OffsetFetch", ResponseFixtures.OffsetFetch, (b, v) => Run(b, v, (ref r, ver) => OffsetFetchMessage.ReadResponse(ref r, ver, "g")), 0, 8),
        ("ListGroups", ResponseFixtures.ListGroups, (b, v) => Run(b, v, (ref r, ver) => ListGroupsMessage.ReadResponse(ref r, ver, [])), 0, 4),
        ("DescribeGroups", ResponseFixtures.DescribeGroups, (b, v) => Run(b, v, DescribeGroupsMessage.ReadResponse), 0, 5),
        ("DescribeConfigs", ResponseFixtures.DescribeConfigs, (b, v) => Run(b, v, DescribeConfigsMessage.ReadResponse), 0, 4),
        ("DescribeCluster", ResponseFixtures.DescribeCluster, (b, v) => Run(b, v, DescribeClusterMessage.ReadResponse), 0, 0),
        ("SaslHandshake", ResponseFixtures.SaslHandshake, (b, v) => Run(b, v, (ref r, _) => SaslHandshakeMessage.ReadResponse(ref r)), 0, 1),
        ("SaslAuthenticate", ResponseFixtures.SaslAuthenticate, (b, v) => Run(b, v, SaslAuthenticateMessage.ReadResponse), 0, 2),
    ];

    [Fact]
    public async Task TruncatedResponsesAlwaysFailCleanly()
    {
        var cases = 0;
        await Guarded(() =>
        {
            foreach (var (name, fixture, parse, min, max) in Messages)
            {
                for (var v = (short)min; v <= max; v++)
                {
                    var full = fixture(v);
                    for (var length = 0; length < full.Length; length++)
                    {
                        // A prefix may happen to be complete only if the fixture ends in optional bytes; none do.
                        Expect(name, v, $"truncated to {length} of {full.Length}", full[..length], parse, mustFail: true);
                        cases++;
                    }
                }
            }
        });
        output.WriteLine($"{cases} truncations");
        Assert.True(cases > 500);
    }

    [Fact]
    public async Task CorruptedResponsesNeverThrowAnythingElse()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("VIGIL_FUZZ_SEED"), out var s) ? s : Random.Shared.Next();
        output.WriteLine($"seed {seed} (replay with VIGIL_FUZZ_SEED={seed})");
        var random = new Random(seed);
        var (failed, cases) = (0, 0);
        await Guarded(() =>
        {
            foreach (var (name, fixture, parse, min, max) in Messages)
            {
                for (var v = (short)min; v <= max; v++)
                {
                    var full = fixture(v);
                    for (var round = 0; round < 300; round++)
                    {
                        var corrupt = (byte[])full.Clone();
                        for (var flips = random.Next(1, 4); flips > 0; flips--)
                        {
                            corrupt[random.Next(corrupt.Length)] = (byte)random.Next(256);
                        }

                        failed += Expect(name, v, $"seed {seed} round {round}", corrupt, parse, mustFail: false) ? 1 : 0;
                        cases++;
                    }
                }
            }
        });
        output.WriteLine($"{cases} corruptions, {failed} refused, the rest still readable");
        Assert.True(failed > 0);
    }

    /// <summary>Parses; true when it failed as allowed. Any other exception fails the test, naming the case.</summary>
    private static bool Expect(string name, short v, string what, byte[] body, Parse parse, bool mustFail)
    {
        try
        {
            parse(body, v);
        }
        catch (KafkaException)
        {
            return true;
        }
        catch (Exception e)
        {
            Assert.Fail($"{name} v{v} {what} ({Convert.ToHexString(body)}): {e.GetType().Name}: {e.Message}");
        }

        Assert.False(mustFail, $"{name} v{v} {what}: read without error");
        return false;
    }

    private static void Run<T>(byte[] body, short version, KafkaResponseReader<T> read)
    {
        var reader = new KafkaReader(body, "fuzz", Names);
        read(ref reader, version);
        reader.ExpectEnd();
    }

    /// <summary>A hang guard, not a speed check: a parser loop that never ends fails here instead of stalling the suite.</summary>
    private static Task Guarded(Action action) => Task.Run(action).WaitAsync(TimeSpan.FromSeconds(120));
}
