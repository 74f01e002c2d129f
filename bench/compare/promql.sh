#!/usr/bin/env bash
# Issue 6's PromQL benchmark: the same 24 h of data (10,000 counter series and 1,000 histogram bucket series at a
# 60 s interval, written once by Prometheus 2.42's promtool as TSDB blocks, and the same block files copied into
# each server's data directory) queried with 20 typical dashboard queries, each REPEAT times per server after one
# warm-up run; one server at a time, on 127.0.0.1. Printed, not asserted: each query's median latency (curl's
# time_total) on both servers, their ratio (Vigil / Prometheus: < 1 means Vigil is faster) and the aggregate (sum
# of medians, and the geometric mean of the ratios). The series count of every answer is printed for both, so a
# fast wrong answer shows.
#
#   bench/compare/promql.sh                 # full run
#   REPEAT=3 HOURS=6 bench/compare/promql.sh  # smoke run
#
# Environment (defaults): REPEAT (7) timed runs per query and server, HOURS (24) of data, SERVERS
# ("prometheus vigil"), ARTIFACTS (REPO/artifacts/bench-promql) build output and the generated blocks (reused
# while HOURS is the same), KEEP_TMP (0) keep data dirs and logs.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
REPEAT="${REPEAT:-7}"
HOURS="${HOURS:-24}"
SERVERS="${SERVERS:-prometheus vigil}"
# Own build output: other people build the same checkout, and their bin/ and obj/ stay untouched.
ARTIFACTS="${ARTIFACTS:-$REPO/artifacts/bench-promql}"
KEEP_TMP="${KEEP_TMP:-0}"

SCRIPT_NAME=promql.sh
# shellcheck source=bench/compare/lib.sh
source "$REPO/bench/compare/lib.sh"

ensure_packages curl jq iproute2 prometheus
command -v python3 >/dev/null || ensure_packages python3

WORK="$(mktemp -d -t vigil-promql-bench.XXXXXX)"
SERVER_PID=""
SERVER_NAME=""
SERVER_DIR=""

trap on_exit_stop_server EXIT
trap 'exit 130' INT TERM

build_release

# ---- the data: OpenMetrics text, then blocks by promtool (cached per HOURS) --------------------------------
# The data ends at the last full minute before the run, so it is inside both servers' retention; blocks made in
# an earlier run are reused only while they still end within the last 2 h (query times are taken from them).
BLOCKS="$ARTIFACTS/promql-blocks-${HOURS}h"
END_S="$(cat "$BLOCKS/end" 2>/dev/null || echo 0)"
if (( $(date +%s) - END_S > 7200 )); then
    rm -rf "$BLOCKS"
    mkdir -p "$BLOCKS/blocks"
    END_S=$(( $(date +%s) / 60 * 60 - 60 ))
    log "generating ${HOURS} h of data ending at $END_S (OpenMetrics, then promtool tsdb create-blocks-from openmetrics)"
    python3 - "$WORK/data.om" "$END_S" "$HOURS" <<'PY'
import random, sys

# 10 jobs x 50 instances x 10 handlers x 2 codes = 10,000 counters; 10 jobs x 10 instances x 10 buckets = 1,000
# bucket series (+ _sum and _count); one sample a minute. Seeded, so every run writes the same values.
path, end, hours = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
step, points = 60, hours * 60 + 1
times = [str(end - (points - 1 - i) * step) for i in range(points)]
rnd = random.Random(6)
les = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"]
with open(path, "w", buffering=1 << 22) as out:
    for j in range(10):
        for i in range(50):
            for h in range(10):
                for code, top in (("200", 40), ("500", 3)):
                    name = f'bench_http_requests_total{{job="job-{j}",instance="host-{i}:9100",handler="/api/h{h}",code="{code}"}} '
                    v = rnd.randrange(100000)
                    incs = [rnd.randrange(top + 1) for _ in times]
                    lines = []
                    for t, inc in zip(times, incs):
                        v += inc
                        lines.append(f"{name}{v} {t}\n")
                    out.write("".join(lines))
    for j in range(10):
        for i in range(10):
            labels = f'job="job-{j}",instance="host-{i}:9100"'
            cum, total, s = [0] * len(les), 0, 0.0
            rows = []
            for _ in times:
                for _ in range(rnd.randrange(60)):
                    b = min(int(rnd.expovariate(0.6)), len(les) - 1)
                    for k in range(b, len(les)):
                        cum[k] += 1
                    total += 1
                    s += 0.004 * (2.2 ** b)
                rows.append((list(cum), total, round(s, 3)))
            for k, le in enumerate(les):
                out.write("".join(f'bench_request_duration_seconds_bucket{{{labels},le="{le}"}} {r[0][k]} {t}\n' for r, t in zip(rows, times)))
            out.write("".join(f"bench_request_duration_seconds_count{{{labels}}} {r[1]} {t}\n" for r, t in zip(rows, times)))
            out.write("".join(f"bench_request_duration_seconds_sum{{{labels}}} {r[2]} {t}\n" for r, t in zip(rows, times)))
    out.write("# EOF\n")
PY
    promtool tsdb create-blocks-from openmetrics --quiet "$WORK/data.om" "$BLOCKS/blocks" >"$WORK/promtool.log" 2>&1 \
        || { tail -n 20 "$WORK/promtool.log" >&2; die "promtool could not write the blocks"; }
    rm -f "$WORK/data.om"
    echo "$END_S" >"$BLOCKS/end"
fi
log "blocks: $(find "$BLOCKS/blocks" -mindepth 1 -maxdepth 1 -type d | wc -l) in $BLOCKS/blocks ($(du -sh "$BLOCKS/blocks" | cut -f1)), data ending at $END_S"

# ---- the queries ---------------------------------------------------------------------------------------------
# name|kind|range seconds (range queries end at the data's end)|step|query
QUERIES="$WORK/queries.txt"
cat >"$QUERIES" <<'EOF'
rate-sum-by-job|instant|0|0|sum by (job) (rate(bench_http_requests_total[5m]))
rate-sum-by-job-24h|range|86400|60|sum by (job) (rate(bench_http_requests_total[5m]))
rate-sum-24h|range|86400|60|sum(rate(bench_http_requests_total[5m]))
error-ratio-24h|range|86400|60|sum(rate(bench_http_requests_total{code="500"}[5m])) / sum(rate(bench_http_requests_total[5m]))
rate-by-job-handler-6h|range|21600|60|sum by (job, handler) (rate(bench_http_requests_total[5m]))
hq99|instant|0|0|histogram_quantile(0.99, sum by (le) (rate(bench_request_duration_seconds_bucket[5m])))
hq99-24h|range|86400|60|histogram_quantile(0.99, sum by (le) (rate(bench_request_duration_seconds_bucket[5m])))
hq90-by-job-6h|range|21600|60|histogram_quantile(0.9, sum by (job, le) (rate(bench_request_duration_seconds_bucket[5m])))
hq50-per-series|instant|0|0|histogram_quantile(0.5, rate(bench_request_duration_seconds_bucket[10m]))
topk-instances|instant|0|0|topk(10, sum by (instance) (rate(bench_http_requests_total[5m])))
topk-series|instant|0|0|topk(5, rate(bench_http_requests_total[5m]))
topk-jobs-6h|range|21600|300|topk(3, sum by (job) (rate(bench_http_requests_total[5m])))
regex-instance-1h|range|3600|15|sum(rate(bench_http_requests_total{instance=~"host-1.*"}[5m]))
regex-negative|instant|0|0|count by (code) (bench_http_requests_total{handler!~"/api/h[1-3]"})
increase-1h|instant|0|0|sum by (job) (increase(bench_http_requests_total[1h]))
max-subquery|instant|0|0|max_over_time(sum(rate(bench_http_requests_total[5m]))[1h:1m])
irate-avg-3h|range|10800|60|avg by (job) (irate(bench_http_requests_total[5m]))
latency-mean-6h|range|21600|60|sum by (job) (rate(bench_request_duration_seconds_sum[5m])) / sum by (job) (rate(bench_request_duration_seconds_count[5m]))
one-job-24h|range|86400|60|sum without (instance) (rate(bench_http_requests_total{job="job-3"}[5m]))
count-series|instant|0|0|count(bench_http_requests_total)
EOF

RESULTS="$WORK/results.tsv"
: >"$RESULTS"

# Each server starts (lib.sh's start_server) with a copy of the blocks: Vigil's TSDB lives in <data>/tsdb.
seed_data() {
    local name="$1" data="$2"
    [[ "$name" == vigil ]] && data="$data/tsdb"
    mkdir -p "$data"
    cp -r "$BLOCKS"/blocks/* "$data/"
}
# max-block-duration 2h: Prometheus would otherwise merge the 2 h blocks in the background mid-run.
PROMETHEUS_ARGS=(--storage.tsdb.max-block-duration=2h)

# run_query KIND RANGE STEP QUERY: one request; prints "seconds series-count" (series -1 on an error answer).
run_query() {
    local kind="$1" range="$2" step="$3" query="$4" out="$WORK/answer.json" secs
    if [[ "$kind" == instant ]]; then
        secs="$(curl -sS -o "$out" -w '%{time_total}' --max-time 300 -G "$BASE/api/v1/query" \
            --data-urlencode "query=$query" --data-urlencode "time=$END_S")"
    else
        secs="$(curl -sS -o "$out" -w '%{time_total}' --max-time 300 -G "$BASE/api/v1/query_range" \
            --data-urlencode "query=$query" --data-urlencode "start=$((END_S - range))" \
            --data-urlencode "end=$END_S" --data-urlencode "step=$step")"
    fi
    echo "$secs $(jq -r 'if .status == "success" then (.data.result | length) else -1 end' "$out" 2>/dev/null || echo -1)"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

for name in $SERVERS; do
    start_server "$name"
    log "$name: pid $SERVER_PID at $BASE; $REPEAT runs per query after one warm-up"
    while IFS='|' read -r qname kind range step query; do
        read -r _ series < <(run_query "$kind" "$range" "$step" "$query")
        times=()
        for _ in $(seq 1 "$REPEAT"); do
            read -r secs _ < <(run_query "$kind" "$range" "$step" "$query")
            times+=("$secs")
        done
        med="$(printf '%s\n' "${times[@]}" | median)"
        printf '%s\t%s\t%s\t%s\n' "$name" "$qname" "$med" "$series" >>"$RESULTS"
        log "  $qname: median $(awk -v s="$med" 'BEGIN { printf "%.1f", s * 1000 }') ms, $series series"
    done <"$QUERIES"
    kill -0 "$SERVER_PID" 2>/dev/null || die "$name died during the run"
    stop_server
    rm -rf "$SERVER_DIR/data"
done

# ---- report ----------------------------------------------------------------------------------------------
echo
echo "PromQL latency, ${HOURS} h of data (10,000 counters + 1,000 bucket series at 60 s), median of $REPEAT runs" \
    "after one warm-up, one server at a time, $(nproc) CPUs; ratio = vigil / prometheus (< 1: Vigil faster)"
awk -F'\t' -v queries="$QUERIES" '
    BEGIN { while ((getline line < queries) > 0) { split(line, f, "|"); order[++n] = f[1]; kind[f[1]] = f[2] "/" f[3] "s/" f[4] "s" } }
    { ms[$1, $2] = $3 * 1000; series[$1, $2] = $4 }
    END {
        printf "%-24s %-16s %12s %12s %8s %14s\n", "query", "kind/range/step", "prom ms", "vigil ms", "ratio", "series p/v"
        logsum = 0; counted = 0
        for (i = 1; i <= n; i++) {
            q = order[i]; p = ms["prometheus", q]; v = ms["vigil", q]
            ratio = (p > 0 && v > 0) ? v / p : 0
            if (ratio > 0) { logsum += log(ratio); counted++; sp += p; sv += v }
            flag = (series["prometheus", q] != series["vigil", q]) ? "  <- series differ" : ""
            printf "%-24s %-16s %12.1f %12.1f %8s %14s%s\n", q, kind[q], p, v, (ratio > 0 ? sprintf("%.2f", ratio) : "n/a"), series["prometheus", q] "/" series["vigil", q], flag
        }
        if (counted > 0) {
            printf "%-24s %-16s %12.1f %12.1f %8.2f\n", "sum of medians", "", sp, sv, sv / sp
            printf "geometric mean of the %d ratios: %.2f\n", counted, exp(logsum / counted)
        }
    }' "$RESULTS"
