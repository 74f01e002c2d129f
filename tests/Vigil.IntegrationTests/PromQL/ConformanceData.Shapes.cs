namespace Vigil.IntegrationTests.PromQL;

/// <summary>The odd values, gaps, stale series, histograms, summaries and label shapes of the data set.</summary>
internal sealed partial class ConformanceData
{
    private static readonly string[] BucketBounds = ["0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf"];

    private void AddSpecialValues()
    {
        (string Kind, Func<int, double?> Value)[] kinds =
        [
            ("nan", step => step % 7 == 0 ? double.NaN : step),
            ("posinf", step => step % 11 == 0 ? double.PositiveInfinity : -step),
            ("neginf", step => step % 13 == 0 ? double.NegativeInfinity : step * 0.5),
            ("always_nan", _ => double.NaN),
            ("always_posinf", _ => double.PositiveInfinity),
            ("tiny", step => (step % 3) * 1e-300),
            ("huge", step => 1.7e308 - (step * 1e300)),
            ("negative", step => -1000.5 + step),
        ];
        foreach (var (kind, value) in kinds)
        {
            Add([("__name__", "conf_odd_values"), ("job", "odd"), ("kind", kind)], value);
        }
    }

    private void AddGapsAndStaleness()
    {
        // Gaps of 10 and 30 minutes (longer than the 5 m lookback) in different places per instance.
        for (var instance = 0; instance < 6; instance++)
        {
            var gapStart = 60 + (instance * 50);
            var gapLength = instance % 2 == 0 ? 40 : 120;
            Add(
                [("__name__", "conf_flaky_up"), ("job", "flaky"), ("instance", $"flaky-{Str(instance)}")],
                step => step >= gapStart && step < gapStart + gapLength ? null : (step / 20) % 2);
        }

        // Series ending with a stale marker, as Prometheus writes one when a target disappears; two come back.
        for (var instance = 0; instance < 6; instance++)
        {
            var staleAt = 150 + (instance * 45);
            var returnsAt = instance % 3 == 0 ? staleAt + 30 : int.MaxValue;
            var counter = Counter(2);
            Add(
                [("__name__", "conf_batch_processed_total"), ("job", "batch"), ("instance", $"batch-{Str(instance)}")],
                step => step < staleAt ? counter(step) : step == staleAt ? StaleNaN : step >= returnsAt ? counter(step) : null);
        }

        // A series that is only stale markers after its first sample, and one that starts late.
        Add([("__name__", "conf_short_lived"), ("job", "batch"), ("phase", "early")], step => step == 0 ? 42 : step == 1 ? StaleNaN : null);
        Add([("__name__", "conf_short_lived"), ("job", "batch"), ("phase", "late")], step => step < Steps - 40 ? null : step * 2.0);
    }

    private void AddHistograms()
    {
        foreach (var job in new[] { "api", "web" })
        {
            for (var instance = 0; instance < 3; instance++)
            {
                var scale = 0.1 + (instance * 0.4);
                var resetAt = job == "web" && instance == 1 ? 300 : int.MaxValue;
                AddHistogram(job, $"host-{Str(instance)}:9100", scale, resetAt);
            }
        }
    }

    /// <summary>One classic histogram: cumulative buckets, _sum and _count of random observations per interval.</summary>
    private void AddHistogram(string job, string instance, double scale, int resetAt)
    {
        var buckets = new double[Steps, BucketBounds.Length];
        var sums = new double[Steps];
        var counts = new double[Steps];
        var bounds = Array.ConvertAll(BucketBounds, b => ApiAnswer.ParseValue(b) ?? double.NaN);
        double sum = 0, count = 0;
        var cumulative = new double[bounds.Length];
        for (var step = 0; step < Steps; step++)
        {
            if (step == resetAt)
            {
                Array.Clear(cumulative);
                sum = count = 0;
            }

            for (var n = _random.Next(0, 12); n > 0; n--)
            {
                var observation = Math.Round(-scale * Math.Log(1 - _random.NextDouble()), 4);
                sum += observation;
                count++;
                for (var b = 0; b < bounds.Length; b++)
                {
                    cumulative[b] += observation <= bounds[b] ? 1 : 0;
                }
            }

            for (var b = 0; b < bounds.Length; b++)
            {
                buckets[step, b] = cumulative[b];
            }

            sums[step] = Math.Round(sum, 6);
            counts[step] = count;
        }

        for (var b = 0; b < bounds.Length; b++)
        {
            var bucket = b;
            Add([("__name__", "conf_request_duration_seconds_bucket"), ("job", job), ("instance", instance), ("le", BucketBounds[b])], step => buckets[step, bucket]);
        }

        Add([("__name__", "conf_request_duration_seconds_sum"), ("job", job), ("instance", instance)], step => sums[step]);
        Add([("__name__", "conf_request_duration_seconds_count"), ("job", job), ("instance", instance)], step => counts[step]);
    }

    private void AddSummaries()
    {
        for (var instance = 0; instance < 4; instance++)
        {
            var job = instance < 2 ? "api" : "web";
            var labelsOf = (string name) => new List<(string, string)> { ("__name__", name), ("job", job), ("instance", $"host-{Str(instance)}:9100"), ("service", "rpc") };
            foreach (var quantile in new[] { "0.5", "0.9", "0.99" })
            {
                var q = double.Parse(quantile, System.Globalization.CultureInfo.InvariantCulture);
                Add([.. labelsOf("conf_rpc_duration_seconds"), ("quantile", quantile)], step => Math.Round(q * (0.2 + _random.NextDouble()), 5));
            }

            Add([.. labelsOf("conf_rpc_duration_seconds_sum")], Counter(3));
            Add([.. labelsOf("conf_rpc_duration_seconds_count")], Counter(20));
        }
    }

    private void AddLabelShapes()
    {
        Add([("__name__", "conf_singleton")], step => step);
        Add([("__name__", "conf_mixed"), ("a", "1")], step => step % 10);
        Add([("__name__", "conf_mixed"), ("b", "2")], step => 100 - (step % 10));
        Add([("__name__", "conf_mixed"), ("a", "1"), ("b", "2")], _ => 7);
        Add([("__name__", "conf_mixed"), ("a", "x"), ("b", "2"), ("c", "3")], _ => 8);
        Add([("__name__", "conf_escaped"), ("path", "/a \"quoted\" \\ path"), ("unicode", "größe ✓")], _ => 1);
        Add([("__name__", "conf_escaped"), ("path", "C:\\dir\\file"), ("unicode", "日本")], _ => 2);

        var versions = new[] { "1.0.0", "1.1.0", "2.0.0-rc.1", "2.0.0" };
        for (var i = 0; i < versions.Length; i++)
        {
            Add([("__name__", "conf_build_info"), ("job", i < 2 ? "api" : "web"), ("instance", $"host-{Str(i % 3)}:9100"), ("version", versions[i]), ("goversion", "go1.19")], _ => 1);
        }

        // Pairs for vector matching: one-to-one, many-to-one (group_left) and one-to-many.
        foreach (var job in new[] { "api", "web" })
        {
            for (var instance = 0; instance < 3; instance++)
            {
                Add([("__name__", "conf_instance_weight"), ("job", job), ("instance", $"host-{Str(instance)}:9100"), ("team", instance == 0 ? "core" : "edge")], _ => instance + 1);
            }

            Add([("__name__", "conf_job_owner"), ("job", job), ("owner", job == "api" ? "alice" : "bob")], _ => 1);
        }
    }
}
