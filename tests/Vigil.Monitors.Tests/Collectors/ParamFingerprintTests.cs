using Vigil.Monitors.Collectors;

namespace Vigil.Monitors.Tests.Collectors;

public sealed class ParamFingerprintTests
{
    private static readonly string[] Fields = ["username", "password"];

    [Fact]
    public void ChangesWithWhatDecidesTheConnectionOnly()
    {
        var baseline = ProbeRound.Monitor("website", "a", ("url", "http://h:1/x"), ("username", "u"), ("password", "p"));
        var fingerprint = ParamFingerprint.Of(baseline, Fields, "http", "h", "1");
        Assert.Equal(fingerprint, ParamFingerprint.Of(baseline, Fields, "http", "h", "1"));
        Assert.Equal(16, fingerprint.Length);

        // Another path or keyword: same connection. Another password, host part or port: another one.
        var otherPath = ProbeRound.Monitor("website", "a", ("url", "http://h:1/y"), ("username", "u"), ("password", "p"), ("keyword", "k"));
        Assert.Equal(fingerprint, ParamFingerprint.Of(otherPath, Fields, "http", "h", "1"));
        var otherPassword = ProbeRound.Monitor("website", "a", ("url", "http://h:1/x"), ("username", "u"), ("password", "q"));
        Assert.NotEqual(fingerprint, ParamFingerprint.Of(otherPassword, Fields, "http", "h", "1"));
        Assert.NotEqual(fingerprint, ParamFingerprint.Of(baseline, Fields, "http", "h", "2"));

        // Parts are length-prefixed: moving a character between two parts changes the digest.
        Assert.NotEqual(ParamFingerprint.Of(baseline, [], "ab", "c"), ParamFingerprint.Of(baseline, [], "a", "bc"));
    }
}
