namespace Vigil.PromQL;

/// <summary>Quantiles shared by histogram_quantile, the quantile aggregation and quantile_over_time (Prometheus 2.42's promql/quantile.go).</summary>
internal static class QuantileKernels
{
    /// <summary>One classic histogram bucket: its <c>le</c> bound and cumulative count.</summary>
    internal readonly record struct Bucket(double UpperBound, double Count);

    /// <summary>
    /// Prometheus 2.42's <c>bucketQuantile</c> over one group's classic buckets (cumulative counts, any order).
    /// Sorts by bound, requires a +Inf bucket, merges equal bounds, forces counts monotonic, then interpolates
    /// linearly inside the bucket the rank falls in: from 0 in the lowest bucket when its bound is positive, and the
    /// second-highest bound when the rank falls in the +Inf bucket. NaN when undefined (no +Inf bucket, fewer than 2
    /// buckets, no observations, q NaN); −Inf for q &lt; 0 and +Inf for q &gt; 1.
    /// </summary>
    public static double BucketQuantile(double q, Span<Bucket> buckets)
    {
        if (double.IsNaN(q))
        {
            return double.NaN;
        }

        if (q < 0)
        {
            return double.NegativeInfinity;
        }

        if (q > 1)
        {
            return double.PositiveInfinity;
        }

        if (buckets.IsEmpty)
        {
            return double.NaN;
        }

        buckets.Sort(static (a, b) => a.UpperBound.CompareTo(b.UpperBound));
        if (!double.IsPositiveInfinity(buckets[^1].UpperBound))
        {
            return double.NaN;
        }

        buckets = CoalesceEqualBounds(buckets);
        EnsureMonotonic(buckets);
        if (buckets.Length < 2 || buckets[^1].Count == 0)
        {
            return double.NaN;
        }

        return Interpolate(q * buckets[^1].Count, buckets);
    }

    /// <summary>
    /// Prometheus's <c>quantile</c>: the φ-quantile with linear interpolation between the two nearest ranks
    /// (rank q·(n−1)); −Inf for q &lt; 0, +Inf for q &gt; 1, NaN for no values. Sorts <paramref name="values"/>
    /// (NaN first, as Go's Less puts it).
    /// </summary>
    public static double Quantile(double q, Span<double> values)
    {
        if (values.IsEmpty)
        {
            return double.NaN;
        }

        if (q < 0)
        {
            return double.NegativeInfinity;
        }

        if (q > 1)
        {
            return double.PositiveInfinity;
        }

        if (double.IsNaN(q))
        {
            return double.NaN;
        }

        values.Sort();
        double n = values.Length;
        double rank = q * (n - 1);
        double lower = Math.Max(0, Math.Floor(rank));
        double upper = Math.Min(n - 1, lower + 1);
        double weight = rank - Math.Floor(rank);
        return (values[(int)lower] * (1 - weight)) + (values[(int)upper] * weight);
    }

    /// <summary>The first bucket whose count reaches the rank decides; see <see cref="BucketQuantile"/>.</summary>
    private static double Interpolate(double rank, ReadOnlySpan<Bucket> buckets)
    {
        int b = FirstReaching(buckets[..^1], rank);
        if (b == buckets.Length - 1)
        {
            return buckets[^2].UpperBound;
        }

        if (b == 0 && buckets[0].UpperBound <= 0)
        {
            return buckets[0].UpperBound;
        }

        double start = 0, end = buckets[b].UpperBound, count = buckets[b].Count;
        if (b > 0)
        {
            start = buckets[b - 1].UpperBound;
            count -= buckets[b - 1].Count;
            rank -= buckets[b - 1].Count;
        }

        return start + ((end - start) * (rank / count));
    }

    /// <summary>Go's <c>sort.Search</c> for the first count ≥ rank (binary, so non-monotonic input picks as Go does); Length when none.</summary>
    private static int FirstReaching(ReadOnlySpan<Bucket> buckets, double rank)
    {
        int lo = 0, hi = buckets.Length;
        while (lo < hi)
        {
            int mid = (int)((uint)(lo + hi) >> 1);
            if (buckets[mid].Count >= rank)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }

    /// <summary>Buckets with the same bound (e.g. "1" and "1.0") become one whose count is their sum.</summary>
    private static Span<Bucket> CoalesceEqualBounds(Span<Bucket> sorted)
    {
        int kept = 0;
        for (int i = 1; i < sorted.Length; i++)
        {
            if (sorted[i].UpperBound == sorted[kept].UpperBound)
            {
                sorted[kept] = sorted[kept] with { Count = sorted[kept].Count + sorted[i].Count };
            }
            else
            {
                sorted[++kept] = sorted[i];
            }
        }

        return sorted[..(kept + 1)];
    }

    /// <summary>A count below an earlier one (scrape races between bucket series) is raised to the running maximum.</summary>
    private static void EnsureMonotonic(Span<Bucket> buckets)
    {
        double max = double.NegativeInfinity;
        for (int i = 0; i < buckets.Length; i++)
        {
            if (buckets[i].Count > max)
            {
                max = buckets[i].Count;
            }
            else if (buckets[i].Count < max)
            {
                buckets[i] = buckets[i] with { Count = max };
            }
        }
    }
}
