namespace Vigil.PromQL.Tests;

/// <summary>
/// <see cref="Prettier"/> (what /api/v1/format_query answers). Each case is our own query with the text Prometheus
/// 2.42's /api/v1/format_query returned for it: one line up to 100 bytes (UTF-8, so a value of 45 "é" splits),
/// aggregations, calls, binary operators with bool and matching, parentheses, unary signs, subqueries (printed
/// unindented when they fit, as 2.42 does) and modifiers.
/// </summary>
public sealed class PrettierTests
{
    public static TheoryData<string, string> Cases => new()
    {
        { "sum by (job, instance) (rate(prometheus_http_requests_total{handler=\"/api/v1/query\", code=\"200\"}[5m])) / ignoring (code) group_left sum by (job, instance) (rate(prometheus_http_requests_total[5m]))", "  sum by (job, instance) (\n    rate(prometheus_http_requests_total{code=\"200\",handler=\"/api/v1/query\"}[5m])\n  )\n/ ignoring (code) group_left ()\n  sum by (job, instance) (rate(prometheus_http_requests_total[5m]))" },
        { "histogram_quantile(0.99, sum by (le, handler) (rate(prometheus_http_request_duration_seconds_bucket{job=\"prometheus\", handler=~\"/api/.*\"}[5m])))", "histogram_quantile(\n  0.99,\n  sum by (le, handler) (\n    rate(prometheus_http_request_duration_seconds_bucket{handler=~\"/api/.*\",job=\"prometheus\"}[5m])\n  )\n)" },
        { "topk(10, sum without (instance, pod, container) (rate(container_cpu_usage_seconds_total{namespace=\"production\", container!=\"\"}[5m])))", "topk(\n  10,\n  sum without (instance, pod, container) (\n    rate(container_cpu_usage_seconds_total{container!=\"\",namespace=\"production\"}[5m])\n  )\n)" },
        { "-sum by (job) (rate(prometheus_http_requests_total{handler=\"/api/v1/query_range_long_handler_name_here\"}[5m])) * 100", "  -sum by (job) (\n    rate(prometheus_http_requests_total{handler=\"/api/v1/query_range_long_handler_name_here\"}[5m])\n  )\n*\n  100" },
        { "(sum by (job) (rate(prometheus_http_requests_total{handler=\"/api/v1/query_range_long_handler_name\"}[5m])) + sum(up))", "(\n    sum by (job) (\n      rate(prometheus_http_requests_total{handler=\"/api/v1/query_range_long_handler_name\"}[5m])\n    )\n  +\n    sum(up)\n)" },
        { "max_over_time(sum by (job) (rate(prometheus_http_requests_total{handler=\"/api/v1/query_range_long_handler_name_here\"}[5m]))[1h:1m] offset 5m)", "max_over_time(\n  sum by (job) (\n    rate(prometheus_http_requests_total{handler=\"/api/v1/query_range_long_handler_name_here\"}[5m])\n  )[1h:1m] offset 5m\n)" },
        { "rate(prometheus_http_requests_total{handler=\"/api/v1/query_range_long_handler_name_here\"}[5m])[30m:1m] @ 100", "rate(prometheus_http_requests_total{handler=\"/api/v1/query_range_long_handler_name_here\"}[5m])[30m:1m] @ 100.000" },
        { "label_replace(up{job=\"prometheus_long_job_name_is_here\", instance=\"localhost:9090\"}, \"foo\", \"$1\", \"instance\", \"(.*):.*\")", "label_replace(\n  up{instance=\"localhost:9090\",job=\"prometheus_long_job_name_is_here\"},\n  \"foo\",\n  \"$1\",\n  \"instance\",\n  \"(.*):.*\"\n)" },
        { "count_values(\"value_label_name\", sum by (job, instance, handler) (prometheus_http_requests_total{code=\"200\"}))", "count_values(\n  \"value_label_name\",\n  sum by (job, instance, handler) (prometheus_http_requests_total{code=\"200\"})\n)" },
        { "quantile(0.9, sum by (job, instance, handler) (rate(prometheus_http_requests_total{code=\"200\", handler=\"/metrics\"}[10m])))", "quantile(\n  0.9,\n  sum by (job, instance, handler) (\n    rate(prometheus_http_requests_total{code=\"200\",handler=\"/metrics\"}[10m])\n  )\n)" },
        { "a_very_long_metric_name_number_one_for_testing > bool on (instance, job) group_right (foo) a_very_long_metric_name_two", "  a_very_long_metric_name_number_one_for_testing\n> bool on (instance, job) group_right (foo)\n  a_very_long_metric_name_two" },
        { "vector(1) + vector(2) + vector(3) + vector(4) + vector(5) + vector(6) + vector(7) + vector(8) + vector(9) + vector(10)", "    vector(1) + vector(2) + vector(3) + vector(4) + vector(5) + vector(6) + vector(7) + vector(8)\n  +\n    vector(9)\n+\n  vector(10)" },
        { "1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10 + 11 + 12 + 13 + 14 + 15 + 16 + 17 + 18 + 19 + 20 + 21 + 22 + 23 + 24 + 25 + 26", "        1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10 + 11 + 12 + 13 + 14 + 15 + 16 + 17 + 18 + 19 + 20 + 21 + 22\n      +\n        23\n    +\n      24\n  +\n    25\n+\n  26" },
        { "sum(rate(a_metric_with_a_long_name_total{label_one=\"value_one\",label_two=\"value_two\",label_three=\"value_three\"}[5m]))", "sum(\n  rate(\n    a_metric_with_a_long_name_total{label_one=\"value_one\",label_three=\"value_three\",label_two=\"value_two\"}[5m]\n  )\n)" },
        { "-(sum by (job) (rate(prometheus_http_requests_total{handler=\"/api/v1/query_range_long_handler_name_here\"}[5m])))", "-(\n  sum by (job) (\n    rate(prometheus_http_requests_total{handler=\"/api/v1/query_range_long_handler_name_here\"}[5m])\n  )\n)" },
        { "clamp(sum by (job) (rate(prometheus_http_requests_total{handler=\"/api/v1/query_range_long_handler_name_here\"}[5m])), 0, 1)", "clamp(\n  sum by (job) (\n    rate(prometheus_http_requests_total{handler=\"/api/v1/query_range_long_handler_name_here\"}[5m])\n  ),\n  0,\n  1\n)" },
        { "sum by (job) (rate(prometheus_http_requests_total{handler=\"/api/v1/query_range_long_handler_name_here\"}[5m])) > 0 and on (job) up == 1", "    sum by (job) (\n      rate(prometheus_http_requests_total{handler=\"/api/v1/query_range_long_handler_name_here\"}[5m])\n    )\n  >\n    0\nand on (job)\n  up == 1" },
        { "up{job=\"short\"}", "up{job=\"short\"}" },
        { "\"a string literal that is very long so very long that it goes past the one hundred characters limit of the prettier\"", "\"a string literal that is very long so very long that it goes past the one hundred characters limit of the prettier\"" },
        { "(((((sum by (job) (rate(prometheus_http_requests_total{handler=\"/api/v1/query_range_long_handler_name_here\"}[5m])))))))", "(\n  (\n    (\n      (\n        (\n          sum by (job) (\n            rate(prometheus_http_requests_total{handler=\"/api/v1/query_range_long_handler_name_here\"}[5m])\n          )\n        )\n      )\n    )\n  )\n)" },
        { "sum by (job) (rate(http_requests_total{job=\"api-server-with-a-long-name\", handler=\"/api/v1/query\"}[5m] offset 1h @ 1700000000))", "sum by (job) (\n  rate(\n    http_requests_total{handler=\"/api/v1/query\",job=\"api-server-with-a-long-name\"}[5m] @ 1700000000.000 offset 1h\n  )\n)" },
        { "predict_linear(node_filesystem_avail_bytes{fstype!~\"tmpfs|overlay\", mountpoint=\"/var/lib/docker/long/path\"}[6h], 4 * 3600) < 0", "  predict_linear(\n    node_filesystem_avail_bytes{fstype!~\"tmpfs|overlay\",mountpoint=\"/var/lib/docker/long/path\"}[6h],\n    4 * 3600\n  )\n<\n  0" },
        { "(rate(a_metric_with_a_long_name_total[5m]) > bool 0.5) * on (instance) group_left (node, zone) node_metadata_info_with_long_name", "  (rate(a_metric_with_a_long_name_total[5m]) > bool 0.5)\n* on (instance) group_left (node, zone)\n  node_metadata_info_with_long_name" },
        { "avg without (cpu) (irate(node_cpu_seconds_total{mode!=\"idle\", instance=~\"node-exporter-[0-9]+\\\\.example\\\\.com:9100\"}[1m]))", "avg without (cpu) (\n  irate(\n    node_cpu_seconds_total{instance=~\"node-exporter-[0-9]+\\\\.example\\\\.com:9100\",mode!=\"idle\"}[1m]\n  )\n)" },
        { "sum(rate(foo_total[5m])) by (a) / sum(rate(foo_total[5m])) by (a) > 0.05 or sum(rate(bar_total[5m])) by (a) / sum(rate(bar_total[5m])) by (a) > 0.05", "  sum by (a) (rate(foo_total[5m])) / sum by (a) (rate(foo_total[5m])) > 0.05\nor\n  sum by (a) (rate(bar_total[5m])) / sum by (a) (rate(bar_total[5m])) > 0.05" },
        { "absent(up{job=\"a-very-long-job-name-for-testing-the-prettier\", instance=\"a-very-long-instance-name:9090\"} == 1)", "absent(\n    up{instance=\"a-very-long-instance-name:9090\",job=\"a-very-long-job-name-for-testing-the-prettier\"}\n  ==\n    1\n)" },
        { "-(-(-sum by (job) (rate(prometheus_http_requests_total{handler=\"/api/v1/query_range_long_handler_name_here\"}[5m]))))", "-(\n  -(\n    -sum by (job) (\n      rate(prometheus_http_requests_total{handler=\"/api/v1/query_range_long_handler_name_here\"}[5m])\n    )\n  )\n)" },
        { "min_over_time((sum by (job) (rate(prometheus_http_requests_total{handler=\"/api/v1/query_range_long_handler_name\"}[5m])))[30m:])", "min_over_time(\n  (\n    sum by (job) (\n      rate(prometheus_http_requests_total{handler=\"/api/v1/query_range_long_handler_name\"}[5m])\n    )\n  )[30m:]\n)" },
        { "topk(5, sum by (job) (rate(prometheus_http_requests_total{handler=\"/api/v1/query_range_long_handler_name_here\"}[5m]))) unless on (job) up == 0", "  topk(\n    5,\n    sum by (job) (\n      rate(prometheus_http_requests_total{handler=\"/api/v1/query_range_long_handler_name_here\"}[5m])\n    )\n  )\nunless on (job)\n  up == 0" },
        { "quantile_over_time(0.95, rate(prometheus_http_requests_total{handler=\"/api/v1/query_range_long_handler_name_here\"}[5m])[1h:5m])", "quantile_over_time(\n  0.95,\n  rate(prometheus_http_requests_total{handler=\"/api/v1/query_range_long_handler_name_here\"}[5m])[1h:5m]\n)" },
        { "sum(rate(x{a=\"ééééééééééééééééééééééééééééééééééééééééééééé\"}[5m]))", "sum(\n  rate(\n    x{a=\"ééééééééééééééééééééééééééééééééééééééééééééé\"}[5m]\n  )\n)" },
        { "sum(rate(x{a=\"éééééééééééééééééééé\"}[5m]))", "sum(rate(x{a=\"éééééééééééééééééééé\"}[5m]))" },
        { "metric_number_0 + metric_number_1 + metric_number_2 + metric_number_3 + metric_number_4 + metric_number_5 + metric_number_6 + metric_number_7 + metric_number_8 + metric_number_9 + metric_number_10 + metric_number_11 + metric_number_12 + metric_number_13 + metric_number_14 + metric_number_15 + metric_number_16 + metric_number_17 + metric_number_18 + metric_number_19 + metric_number_20 + metric_number_21 + metric_number_22 + metric_number_23 + metric_number_24 + metric_number_25 + metric_number_26 + metric_number_27 + metric_number_28 + metric_number_29", "                                                  metric_number_0 + metric_number_1 + metric_number_2 + metric_number_3 + metric_number_4\n                                                +\n                                                  metric_number_5\n                                              +\n                                                metric_number_6\n                                            +\n                                              metric_number_7\n                                          +\n                                            metric_number_8\n                                        +\n                                          metric_number_9\n                                      +\n                                        metric_number_10\n                                    +\n                                      metric_number_11\n                                  +\n                                    metric_number_12\n                                +\n                                  metric_number_13\n                              +\n                                metric_number_14\n                            +\n                              metric_number_15\n                          +\n                            metric_number_16\n                        +\n                          metric_number_17\n                      +\n                        metric_number_18\n                    +\n                      metric_number_19\n                  +\n                    metric_number_20\n                +\n                  metric_number_21\n              +\n                metric_number_22\n            +\n              metric_number_23\n          +\n            metric_number_24\n        +\n          metric_number_25\n      +\n        metric_number_26\n    +\n      metric_number_27\n  +\n    metric_number_28\n+\n  metric_number_29" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Pretty_prints_as_prometheus_2_42(string query, string expected)
        => Assert.Equal(expected, Prettier.Pretty(Parser.Parse(query)));

    [Fact]
    public void Short_expressions_are_their_one_line_text()
    {
        foreach (string query in new[] { "up", "sum(rate(x[5m])) by (job)", "-a ^ b", "foo[5m:1m] offset 1h", "\"text\"", "1e+06" })
        {
            var expr = Parser.Parse(query);
            Assert.Equal(expr.ToString(), Prettier.Pretty(expr));
        }
    }

    [Fact]
    public void Deeply_nested_queries_are_formatted_on_a_big_stack()
    {
        string query = new string('(', 1_500) + "1" + new string(')', 1_500);
        string[] lines = Prettier.Format(query).Split('\n');

        // Levels 0..1450 hold 51 or more parentheses (over 100 characters) and split; level 1451 fits on a line.
        Assert.Equal(2 * 1_451 + 1, lines.Length);
        Assert.Equal("(", lines[0]);
        Assert.Equal("  (", lines[1]);
        Assert.Equal(new string(' ', 2 * 1_451) + new string('(', 49) + "1" + new string(')', 49), lines[1_451]);
        Assert.Equal(")", lines[^1]);
        Assert.Throws<PromQLParseException>(() => Prettier.Format(new string('(', 3_000) + "1"));
    }
}
