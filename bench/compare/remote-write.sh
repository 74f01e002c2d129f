#!/usr/bin/env bash
# Issue 2's comparison: the same pre-built remote-write 1.0 payloads pushed for a fixed time at Vigil,
# Prometheus 2.42 and VictoriaMetrics 1.79, one at a time, all on 127.0.0.1, each with a fresh data dir.
# Printed, not asserted. The load generator shares the machine, so the headline number is samples per
# server CPU-second (utime+stime of the server PID, all threads, from /proc/PID/stat).
#
#   bench/compare/remote-write.sh                    # 20 s per server per shape
#   DURATION=5 bench/compare/remote-write.sh         # smoke run
#
# Environment (defaults): DURATION (20) seconds measured per server and shape, WARMUP (3) seconds pushed
# before that and not counted, SENDERS (4) concurrent requests, SHAPES ("10000 100000") series counts,
# SAMPLES_PER_REQUEST (2000), SERVERS ("vigil prometheus victoriametrics"), MAX_RATE (6000000) samples/s
# the pre-built payload is sized for (a faster server ends its window early and is flagged), ARTIFACTS
# (REPO/artifacts/bench-compare) build output, KEEP_TMP (0) keep data dirs and logs.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DURATION="${DURATION:-20}"
WARMUP="${WARMUP:-3}"
SENDERS="${SENDERS:-4}"
SHAPES="${SHAPES:-10000 100000}"
SAMPLES_PER_REQUEST="${SAMPLES_PER_REQUEST:-2000}"
SERVERS="${SERVERS:-vigil prometheus victoriametrics}"
MAX_RATE="${MAX_RATE:-6000000}"
# Own build output: other people build the same checkout, and their bin/ and obj/ stay untouched.
ARTIFACTS="${ARTIFACTS:-$REPO/artifacts/bench-compare}"
KEEP_TMP="${KEEP_TMP:-0}"
CLK_TCK="$(getconf CLK_TCK)"

SCRIPT_NAME=remote-write.sh
# shellcheck source=bench/compare/lib.sh
source "$REPO/bench/compare/lib.sh"

# ---- prerequisites ---------------------------------------------------------------------------------
packages=(curl jq iproute2)
[[ " $SERVERS " == *" prometheus "* ]] && packages+=(prometheus)
[[ " $SERVERS " == *" victoriametrics "* ]] && packages+=(victoria-metrics)
ensure_packages "${packages[@]}"
VM_BIN=""
if [[ " $SERVERS " == *" victoriametrics "* ]]; then
    VM_BIN="$(victoria_metrics_bin)"
fi

# ---- temp dir, cleanup -------------------------------------------------------------------------------
WORK="$(mktemp -d -t vigil-rw-bench.XXXXXX)"
SERVER_PID=""
SERVER_NAME=""
SERVER_DIR=""

trap on_exit_stop_server EXIT
trap 'exit 130' INT TERM

# ---- build (once) ------------------------------------------------------------------------------------
build_release

# ---- one server, one shape ---------------------------------------------------------------------------
# Log lines that look like trouble, by each server's own format. VictoriaMetrics warns that it resets its
# query rollup cache whenever samples older than -search.cacheTimestampOffset (5m) arrive; the pre-built
# rounds start minutes in the past, and that cache is query-side, so those lines are left out.
log_problems() {
    cat "$SERVER_DIR/server.out" "$SERVER_DIR/server.err" 2>/dev/null \
        | grep -Ei '(^|[^a-z])(warn|warning|error|fail|crit|panic|fatal|level=(warn|error))([^a-z]|$)' \
        | grep -v 'resetting rollup result cache' || true
}

RESULTS="$WORK/results.jsonl"
NOTES="$WORK/notes.txt"
: >"$RESULTS"
: >"$NOTES"
mkdir -p "$WORK/payloads"

log "duration ${DURATION}s + warm-up ${WARMUP}s per server and shape, $SENDERS senders, $SAMPLES_PER_REQUEST samples/request, $(nproc) CPUs"
for series in $SHAPES; do
    for name in $SERVERS; do
        start_server "$name"
        SERVER_URL="$BASE/api/v1/write"
        log "$name: series=$series pid=$SERVER_PID url=$SERVER_URL"
        line="$(dotnet "$BENCH_DLL" push --url "$SERVER_URL" --series "$series" \
            --samples-per-request "$SAMPLES_PER_REQUEST" --duration "$DURATION" --warmup "$WARMUP" \
            --senders "$SENDERS" --server-pid "$SERVER_PID" --clk-tck "$CLK_TCK" --max-rate "$MAX_RATE" \
            --payload-cache "$WORK/payloads" --label "$name")" || die "load generator failed against $name"
        kill -0 "$SERVER_PID" 2>/dev/null || die "$name died during the run"
        if [[ "$name" == vigil ]]; then
            # Vigil's own view of the run: statuses, rejected series, WAL fsyncs and bytes.
            {
                printf 'vigil, %s series, self-metrics after the run:\n' "$series"
                curl -fsS --max-time 5 "${SERVER_URL%/api/v1/write}/metrics" \
                    | grep -E '^vigil_(remote_write_(requests_total|rejected_series_total|request_duration_seconds_(sum|count))|wal_(fsync_duration_seconds_(sum|count)|bytes_written_total|segments_total))' \
                    | grep -vE ' 0$' | sed 's/^/    /' || echo "    (no non-zero counters)"
            } >>"$NOTES"
        fi
        problems="$(log_problems)"
        if [[ -n "$problems" ]]; then
            {
                printf '%s, %s series: %s log line(s) look like trouble; first 5:\n' "$name" "$series" "$(printf '%s\n' "$problems" | wc -l)"
                printf '%s\n' "$problems" | head -n 5 | cut -c1-300 | sed 's/^/    /'
            } >>"$NOTES"
        fi
        stop_server
        rm -rf "$SERVER_DIR/data"
        printf '%s\n' "$line" | jq -c --arg server "$name" '. + {server: $server}' >>"$RESULTS"
        printf '%s\n' "$line" | jq -r '"  \(.samplesPerSec) samples/s, \(.samplesPerCpuS) samples/CPU-s, non-2xx \(.non2xx)"' >&2
    done
done

# ---- report --------------------------------------------------------------------------------------------
echo
echo "remote-write 1.0 push, ${DURATION}s per server and shape after ${WARMUP}s warm-up, $SENDERS senders," \
    "$SAMPLES_PER_REQUEST samples/request (1 per series), $(nproc) CPUs shared with the load generator"
{
    printf 'server\tseries\tsamples/s\tsrv CPU-s\tsrv cores\tsamples/CPU-s\trequests\tnon-2xx\tp50 ms\tp99 ms\tRSS MiB\tloadgen CPU-s\n'
    jq -r '[.server, .series, .samplesPerSec, .serverCpuS, .serverCpuCores, (.samplesPerCpuS // "n/a"), .requests,
            .non2xx, .latencyP50Ms, .latencyP99Ms, ((.serverRssKiB / 1024) | floor), .loadgenCpuS] | @tsv' "$RESULTS"
} | awk -F'\t' '{ printf "%-16s %7s %11s %10s %10s %14s %9s %8s %8s %8s %8s %14s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 }'

echo
echo "Vigil's samples per server CPU-second relative to each peer (>1: Vigil is cheaper per sample):"
jq -rs '
  group_by(.series)[] as $shape
  | ($shape | map(select(.server == "vigil")) | first) as $v
  | $shape[] | select(.server != "vigil")
  | if $v == null or $v.samplesPerCpuS == null or .samplesPerCpuS == null or .samplesPerCpuS == 0
    then "  \(.series) series: vs \(.server): n/a"
    else "  \(.series) series: vs \(.server): \(($v.samplesPerCpuS / .samplesPerCpuS * 100 | round) / 100)x"
    end' "$RESULTS"

echo
echo "RSS is VmRSS of the server at the end of its timed window."
jq -r 'select(.non2xx > 0 or .warmupNon2xx > 0)
       | "non-2xx: \(.server), \(.series) series: \(.statuses) (warm-up \(.warmupNon2xx)); first: \(.firstFailure // "-")"' "$RESULTS"
jq -r 'select(.exhausted) | "warning: \(.server), \(.series) series ran out of pre-built payload after \(.durationS) s; raise MAX_RATE"' "$RESULTS"
cat "$NOTES"
grep -q 'look like trouble' "$NOTES" || echo "server logs: no warning or error lines"
