using Vigil.Common.Config;
using Vigil.Common.Relabel;

namespace Vigil.Common.Tests.Relabel;

/// <summary>
/// The cases of Prometheus's model/relabel/relabel_test.go (TestRelabel), rules written as YAML so the
/// real config parser builds them, plus edge cases of defaults, missing labels and dropping.
/// </summary>
public sealed class RelabelerTests
{
    /// <summary>Labels from alternating names and values.</summary>
    internal static (string Name, string Value)[] L(params string[] pairs)
    {
        var labels = new (string, string)[pairs.Length / 2];
        for (var i = 0; i < labels.Length; i++)
        {
            labels[i] = (pairs[2 * i], pairs[(2 * i) + 1]);
        }

        return labels;
    }

    /// <summary>Each rule is one YAML flow mapping, e.g. <c>{source_labels: [a], action: keep}</c>.</summary>
    internal static IReadOnlyList<RelabelConfig> Rules(params string[] rules) =>
        RelabelConfig.ParseList(ConfigMap.Parse("rules:\n" + string.Concat(rules.Select(r => "  - " + r + "\n")), "test.yml"), "rules");

    /// <summary>Relabels <paramref name="input"/>; <paramref name="expected"/> null means the series is dropped.</summary>
    private static void Check((string, string)[] input, (string, string)[]? expected, params string[] rules)
    {
        var labels = new RelabelLabels(input);
        var kept = Relabeler.Process(labels, Rules(rules));
        if (expected is null)
        {
            Assert.False(kept, $"expected a drop, got {labels}");
            return;
        }

        Assert.True(kept, "expected the series to be kept");
        Assert.Equal(expected.OrderBy(l => l.Item1, StringComparer.Ordinal).ToArray(), labels.ToSortedArray());
    }

    [Fact]
    public void PrometheusReplaceCases()
    {
        Check(L("a", "foo", "b", "bar", "c", "baz"), L("a", "foo", "b", "bar", "c", "baz", "d", "choo-choo"),
            "{source_labels: [a], regex: 'f(.*)', target_label: d, separator: ';', replacement: 'ch${1}-ch${1}'}");
        Check(L("a", "foo", "b", "bar", "c", "baz"), L("a", "boobam", "b", "bar", "c", "baz", "d", "boooom"),
            "{source_labels: [a, b], regex: 'f(.*);(.*)r', target_label: a, replacement: 'b${1}${2}m'}",
            "{source_labels: [c, a], regex: '(b).*b(.*)ba(.*)', target_label: d, replacement: '$1$2$2$3'}");
        Check(L("a", "abc"), L("a", "abc", "d", "b"), "{source_labels: [a], regex: '.*(b).*', target_label: d, replacement: '$1'}");

        // No match, no replacement.
        Check(L("a", "boo"), L("a", "boo"), "{source_labels: [a], regex: 'f', target_label: b, replacement: bar}");
    }

    [Fact]
    public void PrometheusTemplatedTargetCases()
    {
        Check(L("a", "some-name-value"), L("a", "some-name-value", "name", "value"),
            "{source_labels: [a], regex: 'some-([^-]+)-([^,]+)', replacement: '${2}', target_label: '${1}'}");

        // ${3} does not exist: the value is empty, which deletes the (absent) target.
        Check(L("a", "some-name-value"), L("a", "some-name-value"),
            "{source_labels: [a], regex: 'some-([^-]+)-([^,]+)', replacement: '${3}', target_label: '${1}'}");

        // A target that expands to "" is not a label name: the rule is skipped.
        Check(L("a", "some-name-0"), L("a", "some-name-0"),
            "{source_labels: [a], regex: 'some-([^-]+)-([^,]+)', replacement: '${1}', target_label: '${3}'}",
            "{source_labels: [a], regex: 'some-([^-]+)(-[^,]+)', replacement: '${1}', target_label: '${3}'}");

        Check(L("__meta_sd_tags", "path:/secret,job:some-job,label:foo=bar"),
            L("__meta_sd_tags", "path:/secret,job:some-job,label:foo=bar", "__metrics_path__", "/secret", "job", "some-job", "foo", "bar"),
            "{source_labels: [__meta_sd_tags], regex: '(?:.+,|^)path:(/[^,]+).*', replacement: '${1}', target_label: __metrics_path__}",
            "{source_labels: [__meta_sd_tags], regex: '(?:.+,|^)job:([^,]+).*', replacement: '${1}', target_label: job}",
            "{source_labels: [__meta_sd_tags], regex: '(?:.+,|^)label:([^=]+)=([^,]+).*', replacement: '${2}', target_label: '${1}'}");
    }

    [Fact]
    public void Re2NamedGroupSyntaxIsAccepted()
    {
        Check(L("a", "some-name-value"), L("a", "some-name-value", "b", "value"),
            "{source_labels: [a], regex: 'some-(?P<first>[^-]+)-(?P<second>.+)', replacement: '${second}', target_label: b}");
    }

    [Fact]
    public void InvalidTargetAfterExpansionSkipsTheRule()
    {
        Check(L("a", "1abc"), L("a", "1abc"), "{source_labels: [a], target_label: '${1}'}");
        Check(L("a", "x-y"), L("a", "x-y"), "{source_labels: [a], target_label: 'foo_${1}', replacement: v}");
        Check(L("a", "x_y"), L("a", "x_y", "foo_x_y", "v"), "{source_labels: [a], target_label: 'foo_${1}', replacement: v}");
        Check(L("a", "x"), L("a", "x", "x_1", "x"), "{source_labels: [a], target_label: '${1}_1'}");

        // $1_1 reads a group named "1_1", which does not exist: the target is "" and the rule is skipped.
        Check(L("a", "x"), L("a", "x"), "{source_labels: [a], target_label: '$1_1'}");
    }

    [Fact]
    public void PrometheusKeepAndDropCases()
    {
        Check(L("a", "foo"), null,
            "{source_labels: [a], regex: '.*o.*', action: drop}",
            "{source_labels: [a], regex: 'f(.*)', target_label: d, replacement: 'ch$1-ch$1'}");
        Check(L("a", "foo", "b", "bar"), null, "{source_labels: [a], regex: '.*o.*', action: drop}");
        Check(L("a", "foo"), L("a", "foo"), "{source_labels: [a], regex: no-match, action: drop}");
        Check(L("a", "foo"), L("a", "foo"), "{source_labels: [a], regex: 'f|o', action: drop}"); // anchored
        Check(L("a", "foo"), null, "{source_labels: [a], regex: no-match, action: keep}");
        Check(L("a", "foo"), L("a", "foo"), "{source_labels: [a], regex: 'f.*', action: keep}");

        // A missing source label is the empty string, which the default (.*) matches.
        Check(L("a", "foo"), null, "{source_labels: [missing], action: drop}");
        Check(L("a", "foo"), L("a", "foo"), "{source_labels: [missing], regex: '.+', action: drop}");
        Check(L("a", "foo"), null, "{source_labels: [missing], regex: '.+', action: keep}");
    }

    [Fact]
    public void PrometheusKeepEqualAndDropEqualCases()
    {
        var input = L("__tmp_port", "1234", "__port1", "1234", "__port2", "5678");
        Check(input, input, "{source_labels: [__tmp_port], action: keepequal, target_label: __port1}");
        Check(input, null, "{source_labels: [__tmp_port], action: dropequal, target_label: __port1}");
        Check(input, input, "{source_labels: [__tmp_port], action: dropequal, target_label: __port2}");
        Check(input, null, "{source_labels: [__tmp_port], action: keepequal, target_label: __port2}");

        // Joined sources compare with the target's value; two missing labels are equal ("" == "").
        Check(L("a", "x", "b", "y", "c", "x;y"), L("a", "x", "b", "y", "c", "x;y"), "{source_labels: [a, b], action: keepequal, target_label: c}");
        Check(L("a", "x"), null, "{source_labels: [missing], action: dropequal, target_label: other}");
    }

    [Fact]
    public void PrometheusLabelMapDropKeepCases()
    {
        Check(L("a", "foo", "b1", "bar", "b2", "baz"), L("a", "foo", "b1", "bar", "b2", "baz", "bar_b1", "bar", "bar_b2", "baz"),
            "{regex: '(b.*)', replacement: 'bar_${1}', action: labelmap}");
        Check(L("a", "foo", "__meta_my_bar", "aaa", "__meta_my_baz", "bbb", "__meta_other", "ccc"),
            L("a", "foo", "__meta_my_bar", "aaa", "__meta_my_baz", "bbb", "__meta_other", "ccc", "my_bar", "aaa", "my_baz", "bbb"),
            "{regex: '__meta_(my.*)', replacement: '${1}', action: labelmap}");
        Check(L("a", "foo", "b1", "bar", "b2", "baz"), L("b1", "bar", "b2", "baz"), "{regex: '(b.*)', action: labelkeep}");
        Check(L("a", "foo", "b1", "bar", "b2", "baz"), L("a", "foo"), "{regex: '(b.*)', action: labeldrop}");

        // prometheus/prometheus#12283: a label dropped and then set again is seen by the next rule.
        Check(L("__meta_kubernetes_pod_container_port_name", "foo", "__meta_kubernetes_pod_annotation_XXX_metrics_port", "9091"),
            L("__meta_kubernetes_pod_annotation_XXX_metrics_port", "9091", "__meta_kubernetes_pod_container_port_name", "metrics"),
            "{regex: '^__meta_kubernetes_pod_container_port_name$', action: labeldrop}",
            "{source_labels: [__meta_kubernetes_pod_annotation_XXX_metrics_port], regex: '(.+)', replacement: metrics, target_label: __meta_kubernetes_pod_container_port_name}",
            "{source_labels: [__meta_kubernetes_pod_container_port_name], regex: '^metrics$', action: keep}");
    }

    [Fact]
    public void LabelMapWithDefaultReplacementAndCollisions()
    {
        Check(L("__meta_kubernetes_pod_label_app", "web", "job", "k"), L("__meta_kubernetes_pod_label_app", "web", "app", "web", "job", "k"),
            "{regex: '__meta_kubernetes_pod_label_(.+)', action: labelmap}");

        // Labels are visited in name order, so the later source wins a collision, as in Prometheus.
        Check(L("b_x", "2", "a_x", "1"), L("a_x", "1", "b_x", "2", "x", "2"), "{regex: '.*_(x)', action: labelmap}");

        // labelmap onto an existing name overwrites it; the copy does not feed back into the same rule.
        Check(L("__meta_job", "new", "job", "old"), L("__meta_job", "new", "job", "new"), "{regex: '__meta_(.+)', action: labelmap}");
    }

    [Fact]
    public void PrometheusCaseCases()
    {
        Check(L("foo", "bAr123Foo"), L("foo", "bAr123Foo", "foo_lowercase", "bar123foo", "foo_uppercase", "BAR123FOO"),
            "{source_labels: [foo], action: uppercase, target_label: foo_uppercase}",
            "{source_labels: [foo], action: lowercase, target_label: foo_lowercase}");
        Check(L("a", "ÄÖÜ-ß"), L("a", "ÄÖÜ-ß", "b", "äöü-ß"), "{source_labels: [a], action: lowercase, target_label: b}");

        // An empty result deletes the target.
        Check(L("a", "x", "b", "y"), L("a", "x"), "{source_labels: [missing], action: uppercase, target_label: b}");
    }

    [Fact]
    public void ReplaceDefaults()
    {
        // No source labels: the value is "", (.*) matches it, $1 is "", and an empty value deletes the target.
        Check(L("a", "x", "b", "y"), L("a", "x"), "{target_label: b}");
        Check(L("a", "x"), L("a", "x", "env", "prod"), "{target_label: env, replacement: prod}");

        // Default separator ';' with a missing label in the middle.
        Check(L("a", "foo", "b", "bar"), L("a", "foo", "b", "bar", "t", "foo;;bar"), "{source_labels: [a, missing, b], target_label: t}");
        Check(L("a", "foo", "b", "bar"), L("a", "foo", "b", "bar", "t", "foo/bar"), "{source_labels: [a, b], separator: '/', target_label: t}");
        Check(L("a", "1", "b", "2", "c", "3", "d", "4"), L("a", "1", "b", "2", "c", "3", "d", "4", "t", "1-2-3-4"),
            "{source_labels: [a, b, c, d], separator: '-', target_label: t}");
    }

    [Fact]
    public void ReplacementFollowsGoExpansion()
    {
        void Replace(string value, string regex, string replacement, string? expected) =>
            Check(L("a", value), expected is null ? L("a", value) : L("a", value, "t", expected),
                $"{{source_labels: [a], regex: '{regex}', target_label: t, replacement: '{replacement}'}}");

        Replace("foo", "(.*)", "$1x", null); // group "1x" does not exist
        Replace("foo", "(.*)", "${1}x", "foox");
        Replace("foo", "(.*)", "$1-x", "foo-x");
        Replace("foo", "(.*)", "$$1", "$1");
        Replace("foo", "(.*)", "a$", "a$");
        Replace("foo", "(.*)", "a${", "a${");
        Replace("foo", "(.*)", "a${1", "a${1");
        Replace("foo", "(.*)", "a${}b", "a${}b");
        Replace("foo", "f(o)(o)", "$0:$2", "foo:o");
        Replace("foo", "(.*)", "$01", null); // leading zero: a name, not group 1
        Replace("foo", "(.*)", "$9", null);
        Replace("host:9090", "(?P<host>[^:]+):(?P<port>\\d+)", "${port}@$host", "9090@host");
        Replace("host:9090", "(?P<host>[^:]+):(?P<port>\\d+)", "$host_x", null); // reads a group named host_x
        Replace("abc-42", "(?P<name>[a-z]+)-(\\d+)", "$1/$2", "abc/42"); // RE2 numbers named groups in order
        Replace("abc-42", "(?:x|(?P<name>[a-z]+))-(\\d+)", "[${name}][$2]", "[abc][42]");
        Replace("abc", "(x)?(abc)", "[$1][$2]", "[][abc]"); // a group that did not take part is empty
    }

    [Fact]
    public void CapturesFollowLeftmostFirstPreference()
    {
        // RE2 and Prometheus pick the first alternative and greedy loops; .NET's NonBacktracking must agree.
        Check(L("a", "abcd"), L("a", "abcd", "t", "a-bcd-"), "{source_labels: [a], regex: '(a|ab)(c|bcd)(d*)', target_label: t, replacement: '$1-$2-$3'}");
        Check(L("a", "aaa"), L("a", "aaa", "t", "aaa|"), "{source_labels: [a], regex: '(a*)(a*)', target_label: t, replacement: '${1}|$2'}");
    }

    [Fact]
    public void EmptyResultIsADrop()
    {
        Check(L("a", "x", "b", "y"), null, "{regex: '.*', action: labeldrop}");
        Check(L("a", "x"), null, "{regex: nomatch, action: labelkeep}");
        Check(L("a", "x"), null, "{source_labels: [missing], target_label: a}");
        Check([], null);
    }

    [Fact]
    public void ChainsApplyInOrder()
    {
        Check(L("__meta_pod_label_app", "web", "__meta_pod_name", "web-1", "__address__", "10.0.0.1:8080", "job", "pods"),
            L("app", "web", "instance", "web-1", "job", "pods", "shard", (Relabeler.HashMod("10.0.0.1:8080", 4)).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            "{regex: '__meta_pod_label_(.+)', action: labelmap}",
            "{source_labels: [__meta_pod_name], target_label: instance}",
            "{source_labels: [__address__], modulus: 4, target_label: shard, action: hashmod}",
            "{regex: '__.*', action: labeldrop}",
            "{source_labels: [app], regex: 'web|api', action: keep}");
        Check(L("job", "x", "env", "dev"), null,
            "{source_labels: [env], target_label: env, action: uppercase}",
            "{source_labels: [env], regex: DEV, action: drop}");
    }
}
