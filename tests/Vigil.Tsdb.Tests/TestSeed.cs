using System.Globalization;

namespace Vigil.Tsdb.Tests;

/// <summary>
/// Seeds for property tests: random per run, or fixed with VIGIL_TEST_SEED=n to replay a failure.
/// Every failure message carries <see cref="Describe"/> so the seed is never lost.
/// </summary>
internal static class TestSeed
{
    public const string Variable = "VIGIL_TEST_SEED";

    public static int Next()
    {
        string? fixedSeed = Environment.GetEnvironmentVariable(Variable);
        return string.IsNullOrEmpty(fixedSeed)
            ? Random.Shared.Next()
            : int.Parse(fixedSeed, NumberStyles.Integer, CultureInfo.InvariantCulture);
    }

    public static string Describe(int seed) =>
        string.Create(CultureInfo.InvariantCulture, $"seed {seed} (replay with {Variable}={seed})");
}
