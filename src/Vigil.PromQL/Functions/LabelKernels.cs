using System.Text;
using System.Text.RegularExpressions;
using Vigil.Common.Config;
using Vigil.Common.Relabel;
using Vigil.PromQL.Engine;
using Vigil.Tsdb.Storage;

namespace Vigil.PromQL;

/// <summary>label_replace and label_join on one series' labels (Prometheus 2.42's funcLabelReplace and funcLabelJoin).</summary>
/// <remarks>
/// 2.42 raises its argument errors while evaluating (a panic the engine turns into an error), so the HTTP API
/// answers them as <c>execution</c> (422), not <c>bad_data</c>: these kernels throw <see cref="QueryErrorKind.Execution"/>.
/// </remarks>
internal static class LabelKernels
{
    /// <summary>
    /// label_replace's regex, anchored the way 2.42 builds it (<c>"^(?:" + regex + ")$"</c>, one string, so
    /// <c>a)|(b</c> compiles as Go compiles it), translated from RE2 by <see cref="GoRegex"/>.
    /// </summary>
    /// <exception cref="QueryException">With Prometheus's message, when RE2's syntax is not kept.</exception>
    public static Regex CompileReplaceRegex(string regex) =>
        GoRegex.TryCompileAnchored(regex, out _) ?? throw new QueryException(
            QueryErrorKind.Execution, $"invalid regular expression in label_replace(): {regex}");

    /// <summary>label_replace's and label_join's destination check (Prometheus's LabelNameRE, ASCII names).</summary>
    /// <exception cref="QueryException">"invalid destination label name in {functionName}(): {name}".</exception>
    public static void ValidateLabelName(string functionName, string name)
    {
        if (!ConfigRules.IsValidLabelName(name))
        {
            throw new QueryException(
                QueryErrorKind.Execution, $"invalid destination label name in {functionName}(): {name}");
        }
    }

    /// <summary>label_join's check of each source label name, which 2.42 makes before the destination's.</summary>
    /// <exception cref="QueryException">"invalid source label name in label_join(): {name}".</exception>
    public static void ValidateSourceLabelName(string name)
    {
        if (!ConfigRules.IsValidLabelName(name))
        {
            throw new QueryException(QueryErrorKind.Execution, $"invalid source label name in label_join(): {name}");
        }
    }

    /// <summary>
    /// label_replace on one series: the anchored regex against the source label's value ("" when absent). No
    /// match leaves the labels as they are; a match sets <paramref name="dst"/> to the expanded replacement, and an
    /// empty expansion removes it.
    /// </summary>
    public static Labels Replace(Labels labels, string dst, string replacement, string src, Regex regex)
    {
        string value = labels.Get(src);
        var match = regex.Match(value);
        if (!match.Success)
        {
            return labels;
        }

        return With(labels, dst, GoTemplate.Expand(replacement, regex, match));
    }

    /// <summary>label_join on one series: the sources' values ("" when absent) joined; an empty result removes <paramref name="dst"/>.</summary>
    public static Labels Join(Labels labels, string dst, string separator, ReadOnlySpan<string> srcs)
    {
        var joined = new StringBuilder();
        for (int i = 0; i < srcs.Length; i++)
        {
            joined.Append(i == 0 ? "" : separator).Append(labels.Get(srcs[i]));
        }

        return With(labels, dst, joined.ToString());
    }

    /// <summary>The labels with <paramref name="name"/> set to <paramref name="value"/>, or removed when it is empty; the same instance when nothing changes.</summary>
    internal static Labels With(Labels labels, string name, string value)
    {
        string current = labels.Get(name);
        if (string.Equals(current, value, StringComparison.Ordinal))
        {
            return labels;
        }

        var result = new List<Label>(labels.Count + 1);
        bool placed = value.Length == 0;
        foreach (var label in labels)
        {
            int order = string.CompareOrdinal(label.Name, name);
            if (!placed && order > 0)
            {
                result.Add(new Label(name, value));
                placed = true;
            }

            if (order != 0)
            {
                result.Add(label);
            }
        }

        if (!placed)
        {
            result.Add(new Label(name, value));
        }

        return Labels.FromOwnedArray([.. result]);
    }
}
