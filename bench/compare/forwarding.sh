#!/usr/bin/env bash
# Issue 3's benchmark: does Vigil's remote-write forwarding (WAL -> queue -> VictoriaMetrics 1.79) keep up
# with Vigil's own ingest? The pre-built payloads of remote-write.sh are pushed at Vigil's /api/v1/write for a
# fixed time, at a fixed rate (RATE), while Vigil forwards everything to a local VictoriaMetrics. Printed, not
# asserted. All on 127.0.0.1, fresh data dirs per shape.
#
#   bench/compare/forwarding.sh                      # 20 s per shape at 300k samples/s
#   DURATION=10 bench/compare/forwarding.sh          # shorter run
#   RATE=0 bench/compare/forwarding.sh               # flat out
#
# Why a fixed rate: on a small machine, pushing flat out saturates the CPUs (load generator, Vigil's ingest, its
# forwarding and VictoriaMetrics all compete), so "forwarded < ingested" then says little about forwarding. At a
# fixed rate the load generator paces its requests (push --rate), and forwarding "keeps up" when fwd/ingest is
# >= 0.98 and it catches up within CATCHUP_OK seconds after the push stops. Paced, the pre-built rounds are
# series/RATE seconds apart in sample time (push --step-ms), so each series advances as fast in sample time as
# in wall time and Vigil's lag gauge reads as seconds behind. Flat out, rounds stay 100 ms apart.
#
# Both rates come from Vigil's own counters, fetched by the load generator right as its window opens and
# closes: vigil_remote_write_received_samples_total{instance="default"} (ingest) and
# vigil_remote_write_samples_sent_total{instance="default",endpoint="vm"} (forwarded, acked by VM). After the
# push stops, the script waits (CATCHUP_TIMEOUT) until forwarded == ingested and reports how long that took.
# CPU is utime+stime of the whole Vigil process (receive, WAL and forwarding together) from /proc/PID/stat.
#
# Environment (defaults): DURATION (20) seconds measured per shape, WARMUP (3) seconds pushed before that and
# not counted, RATE (300000) samples/s in total across senders, 0 = flat out, SENDERS (4), SHAPES ("10000
# 100000") series counts, SAMPLES_PER_REQUEST (2000), MAX_SHARDS (8) queue_config.max_shards, MAX_RATE
# samples/s the pre-built payload is sized for (flat out 4000000; paced 1.1 x RATE), CATCHUP_TIMEOUT (60)
# seconds, CATCHUP_OK (3) seconds of catch-up that still count as keeping up, STEP_MS sample-time ms between
# rounds (paced: series * 1000 / RATE; flat out: 100), ARTIFACTS
# (REPO/artifacts/bench-compare) build output, KEEP_TMP (0) keep data dirs and logs.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DURATION="${DURATION:-20}"
WARMUP="${WARMUP:-3}"
RATE="${RATE:-300000}"
SENDERS="${SENDERS:-4}"
SHAPES="${SHAPES:-10000 100000}"
SAMPLES_PER_REQUEST="${SAMPLES_PER_REQUEST:-2000}"
MAX_SHARDS="${MAX_SHARDS:-8}"
MAX_RATE="${MAX_RATE:-}"
CATCHUP_TIMEOUT="${CATCHUP_TIMEOUT:-60}"
CATCHUP_OK="${CATCHUP_OK:-3}"
STEP_MS="${STEP_MS:-}"
ARTIFACTS="${ARTIFACTS:-$REPO/artifacts/bench-compare}"
KEEP_TMP="${KEEP_TMP:-0}"
CLK_TCK="$(getconf CLK_TCK)"

SCRIPT_NAME=forwarding.sh
# shellcheck source=bench/compare/lib.sh
source "$REPO/bench/compare/lib.sh"

[[ "$RATE" =~ ^[0-9]+$ ]] || die "RATE must be a whole number of samples/s (0 = flat out), got '$RATE'"
if [[ -z "$MAX_RATE" ]] && ((RATE == 0)); then MAX_RATE=4000000; fi
if ((RATE > 0)); then RATE_TEXT="$RATE samples/s (paced)"; else RATE_TEXT="flat out"; fi

# ---- prerequisites ---------------------------------------------------------------------------------
ensure_packages curl jq iproute2 victoria-metrics
VM_BIN="$(victoria_metrics_bin)"

# ---- temp dir, cleanup -------------------------------------------------------------------------------
WORK="$(mktemp -d -t vigil-fwd-bench.XXXXXX)"
VIGIL_PID=""
VM_PID=""
SAMPLER_PID=""
RUN_DIR=""

stop_all() {
    local p
    p="$SAMPLER_PID"; SAMPLER_PID=""; stop_pid "$p" sampler
    p="$VIGIL_PID"; VIGIL_PID=""; stop_pid "$p" vigil
    p="$VM_PID"; VM_PID=""; stop_pid "$p" victoriametrics
}

on_exit() {
    local status=$?
    ((status != 0)) && [[ -n "$RUN_DIR" ]] && tail_logs "$RUN_DIR"/vigil.out "$RUN_DIR"/vigil.err "$RUN_DIR"/vm.err
    stop_all
    clean_work
    exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT TERM


# metric FILE NAME [LABEL_SUBSTRING]: value of the first sample of NAME whose label set contains the substring
# (Vigil prints instance before endpoint); empty when absent.
metric() {
    awk -v name="$1" -v want="${2:-}" '
        $1 == name || index($1, name "{") == 1 {
            if (want == "" || index($1, want) > 0) { printf "%.0f\n", $2; exit }
        }' "$3"
}
metric_float() {
    awk -v name="$1" -v want="${2:-}" '
        $1 == name || index($1, name "{") == 1 {
            if (want == "" || index($1, want) > 0) { print $2; exit }
        }' "$3"
}

# The same as a JSON number for jq --argjson: null when absent or not finite.
jmetric() { local v; v="$(metric "$@")"; [[ "$v" =~ ^-?[0-9]+$ ]] && echo "$v" || echo null; }
jmetric_float() {
    local v; v="$(metric_float "$@")"
    [[ "$v" =~ ^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$ ]] && echo "$v" || echo null
}


rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# ---- build (once) ------------------------------------------------------------------------------------
build_release

RESULTS="$WORK/results.jsonl"
NOTES="$WORK/notes.txt"
: >"$RESULTS"
: >"$NOTES"
mkdir -p "$WORK/payloads"
SEL_IN='instance="default"'
SEL_OUT='instance="default",endpoint="vm"'

log "rate $RATE_TEXT, duration ${DURATION}s + warm-up ${WARMUP}s per shape, $SENDERS senders, $SAMPLES_PER_REQUEST samples/request, max_shards $MAX_SHARDS, $(nproc) CPUs"
for series in $SHAPES; do
    RUN_DIR="$(mktemp -d "$WORK/run-$series.XXXX")"
    mkdir -p "$RUN_DIR/vm-data" "$RUN_DIR/vigil-data" "$RUN_DIR/window"

    vm_port="$(free_port)"
    "$VM_BIN" -storageDataPath "$RUN_DIR/vm-data" -httpListenAddr "127.0.0.1:$vm_port" \
        >"$RUN_DIR/vm.out" 2>"$RUN_DIR/vm.err" &
    VM_PID=$!
    wait_ready victoriametrics "$VM_PID" "http://127.0.0.1:$vm_port/health"

    cat >"$RUN_DIR/vigil.yml" <<EOF
metrics:
  configs:
    - name: default
      remote_write:
        - name: vm
          url: http://127.0.0.1:$vm_port/api/v1/write
          queue_config:
            max_shards: $MAX_SHARDS
EOF
    vigil_port="$(free_port)"
    while [[ "$vigil_port" == "$vm_port" ]]; do vigil_port="$(free_port)"; done
    "$VIGIL_BIN" run --config "$RUN_DIR/vigil.yml" --listen "127.0.0.1:$vigil_port" --data "$RUN_DIR/vigil-data" \
        >"$RUN_DIR/vigil.out" 2>"$RUN_DIR/vigil.err" &
    VIGIL_PID=$!
    VIGIL="http://127.0.0.1:$vigil_port"
    wait_ready vigil "$VIGIL_PID" "$VIGIL/-/ready"
    log "series=$series vigil pid=$VIGIL_PID $VIGIL, victoriametrics pid=$VM_PID :$vm_port"

    # Once a second while the push runs: lag, pending and shards, for their peak (the window's two fetches
    # only show its ends).
    (
        while :; do
            if curl -fsS --max-time 2 "$VIGIL/metrics" -o "$RUN_DIR/tick.prom" 2>/dev/null; then
                printf '%s %s %s\n' \
                    "$(jmetric_float vigil_remote_write_lag_seconds "$SEL_OUT" "$RUN_DIR/tick.prom")" \
                    "$(jmetric vigil_remote_write_pending_samples "$SEL_OUT" "$RUN_DIR/tick.prom")" \
                    "$(jmetric vigil_remote_write_shards "$SEL_OUT" "$RUN_DIR/tick.prom")"
            fi
            sleep 1
        done
    ) >"$RUN_DIR/ticks.txt" 2>/dev/null &
    SAMPLER_PID=$!

    push_args=(--url "$VIGIL/api/v1/write" --series "$series" \
        --samples-per-request "$SAMPLES_PER_REQUEST" --duration "$DURATION" --warmup "$WARMUP" \
        --senders "$SENDERS" --server-pid "$VIGIL_PID" --peer-pid "$VM_PID" --clk-tck "$CLK_TCK" \
        --payload-cache "$WORK/payloads" --label vigil \
        --metrics-url "$VIGIL/metrics" --metrics-out "$RUN_DIR/window" --rate "$RATE")
    [[ -z "$MAX_RATE" ]] || push_args+=(--max-rate "$MAX_RATE")
    # Paced: one round per series/RATE seconds, so sample time runs as fast as wall time.
    if [[ -n "$STEP_MS" ]]; then
        push_args+=(--step-ms "$STEP_MS")
    elif ((RATE > 0)); then
        push_args+=(--step-ms "$(awk -v s="$series" -v r="$RATE" 'BEGIN { v = int(s * 1000 / r + 0.5); print (v < 1 ? 1 : v) }')")
    fi
    line="$(dotnet "$BENCH_DLL" push "${push_args[@]}")" || die "load generator failed"
    push_ended="$(date +%s.%N)"
    p="$SAMPLER_PID"; SAMPLER_PID=""; stop_pid "$p" sampler
    kill -0 "$VIGIL_PID" 2>/dev/null || die "vigil died during the run"

    # Catch-up: the push has stopped, so ingest is final; wait for forwarding to reach it.
    caught_up=""
    deadline=$(($(date +%s) + CATCHUP_TIMEOUT))
    while :; do
        curl -fsS --max-time 5 "$VIGIL/metrics" -o "$RUN_DIR/after.prom"
        in_total="$(metric vigil_remote_write_received_samples_total "$SEL_IN" "$RUN_DIR/after.prom")"
        out_total="$(metric vigil_remote_write_samples_sent_total "$SEL_OUT" "$RUN_DIR/after.prom")"
        if [[ -n "$in_total" && -n "$out_total" ]] && ((out_total >= in_total)); then
            caught_up="$(awk -v a="$push_ended" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
            break
        fi
        (($(date +%s) < deadline)) || break
        sleep 0.2
    done
    cpu_end="$(cpu_ticks "$VIGIL_PID")"
    rss_after="$(rss_kib "$VIGIL_PID")"
    curl -fsS --max-time 5 "http://127.0.0.1:$vm_port/metrics" -o "$RUN_DIR/vm.prom" || : >"$RUN_DIR/vm.prom"
    vm_rows="$(metric vm_rows_inserted_total 'type="promremotewrite"' "$RUN_DIR/vm.prom")"

    s="$RUN_DIR/window/window-start.prom" e="$RUN_DIR/window/window-end.prom"
    [[ -s "$s" && -s "$e" ]] || die "the load generator did not save Vigil's /metrics at the window's ends"
    jq -c \
        --argjson inStart "$(jmetric vigil_remote_write_received_samples_total "$SEL_IN" "$s")" \
        --argjson inEnd "$(jmetric vigil_remote_write_received_samples_total "$SEL_IN" "$e")" \
        --argjson outStart "$(jmetric vigil_remote_write_samples_sent_total "$SEL_OUT" "$s")" \
        --argjson outEnd "$(jmetric vigil_remote_write_samples_sent_total "$SEL_OUT" "$e")" \
        --argjson lagStart "$(jmetric_float vigil_remote_write_lag_seconds "$SEL_OUT" "$s")" \
        --argjson lagEnd "$(jmetric_float vigil_remote_write_lag_seconds "$SEL_OUT" "$e")" \
        --argjson pendStart "$(jmetric vigil_remote_write_pending_samples "$SEL_OUT" "$s")" \
        --argjson pendEnd "$(jmetric vigil_remote_write_pending_samples "$SEL_OUT" "$e")" \
        --argjson shardsStart "$(jmetric vigil_remote_write_shards "$SEL_OUT" "$s")" \
        --argjson shardsEnd "$(jmetric vigil_remote_write_shards "$SEL_OUT" "$e")" \
        --argjson lagMax "$(awk '$1 != "null" && $1 + 0 > m { m = $1 + 0 } END { print m + 0 }' "$RUN_DIR/ticks.txt")" \
        --argjson shardsMax "$(awk '$3 != "null" && $3 + 0 > m { m = $3 + 0 } END { print m + 0 }' "$RUN_DIR/ticks.txt")" \
        --argjson inTotal "${in_total:-null}" --argjson outTotal "${out_total:-null}" \
        --argjson catchUp "${caught_up:-null}" --argjson cpuEnd "$cpu_end" --argjson clk "$CLK_TCK" \
        --argjson rssAfter "${rss_after:-0}" --argjson vmRows "${vm_rows:-null}" \
        '. + {inStart: $inStart, inEnd: $inEnd, outStart: $outStart, outEnd: $outEnd, lagStart: $lagStart,
              lagEnd: $lagEnd, pendStart: $pendStart, pendEnd: $pendEnd, shardsStart: $shardsStart,
              shardsEnd: $shardsEnd, lagMax: $lagMax, shardsMax: $shardsMax, inTotal: $inTotal,
              outTotal: $outTotal, catchUpS: $catchUp, rssAfterKiB: $rssAfter, vmRows: $vmRows,
              cpuToCatchUpS: (($cpuEnd - .serverCpuTicksAtStart) / $clk)}' <<<"$line" >>"$RESULTS"

    {
        printf '%s series, Vigil self-metrics after catch-up (non-zero):\n' "$series"
        grep -E '^vigil_(remote_write_(samples_(failed|retried|dropped)_total|rejected_series_total|requests_total)|wal_(segments_total|bytes_written_total))' \
            "$RUN_DIR/after.prom" | grep -vE ' 0$' | sed 's/^/    /' || echo "    (none)"
        problems="$(cat "$RUN_DIR/vigil.out" "$RUN_DIR/vigil.err" "$RUN_DIR/vm.err" 2>/dev/null \
            | grep -Ei '(^|[^a-z])(warn|warning|error|fail|crit|panic|fatal)([^a-z]|$)' \
            | grep -v 'resetting rollup result cache' || true)"
        if [[ -n "$problems" ]]; then
            printf '  %s log line(s) look like trouble; first 5:\n' "$(printf '%s\n' "$problems" | wc -l)"
            printf '%s\n' "$problems" | head -n 5 | cut -c1-300 | sed 's/^/    /'
        fi
    } >>"$NOTES"
    tail -n 1 "$RESULTS" | jq -r '"  loadgen \(.samplesPerSec)/s, ingest \(((.inEnd - .inStart) / .metricsWindowS) | round)/s, forwarded \(((.outEnd - .outStart) / .metricsWindowS) | round)/s, catch-up \(.catchUpS // "timed out") s"' >&2

    stop_all
    [[ "$KEEP_TMP" == 1 ]] || rm -rf "$RUN_DIR/vm-data" "$RUN_DIR/vigil-data"
done

# ---- report --------------------------------------------------------------------------------------------
echo
echo "Vigil -> VictoriaMetrics forwarding: remote-write 1.0 push at Vigil, $RATE_TEXT, ${DURATION}s per shape after ${WARMUP}s warm-up,"
echo "$SENDERS senders, $SAMPLES_PER_REQUEST samples/request, queue_config.max_shards $MAX_SHARDS, $(nproc) CPUs shared by Vigil, VM and the load generator"
{
    printf 'series\ttarget/s\tingest/s\tforwarded/s\tfwd/ingest\tkeeps up\tcatch-up s\tfwd/s after push\tvigil CPU-s\tCPU-s/M fwd\tCPU-s/M (to caught-up)\tVM CPU-s\tlag s start>end (max)\tpending start>end\tshards start>end (max)\tRSS MiB end\tRSS MiB caught-up\n'
    jq -r '
      def r1: if . == null then "?" else (. * 10 | round) / 10 end;
      def q: if . == null then "?" else . end;
      ((.inEnd - .inStart) / .metricsWindowS) as $in
      | ((.outEnd - .outStart) / .metricsWindowS) as $out
      | [ .series, (if .targetSamplesPerSec > 0 then .targetSamplesPerSec else "flat out" end),
          ($in | round), ($out | round),
          (if $in > 0 then ($out / $in * 100 | round) / 100 else "n/a" end),
          (if $in > 0 and $out / $in >= 0.98 and .catchUpS != null and .catchUpS <= $ok then "yes" else "no" end),
          (.catchUpS // "timeout"),
          (if .catchUpS != null and .catchUpS > 0 then ((.outTotal - .outEnd) / .catchUpS | round) else "n/a" end),
          .serverCpuS,
          (if .outEnd > .outStart then (.serverCpuS / (.outEnd - .outStart) * 1e6 * 100 | round) / 100 else "n/a" end),
          (if .outTotal != null and .outTotal > .outStart then (.cpuToCatchUpS / (.outTotal - .outStart) * 1e6 * 100 | round) / 100 else "n/a" end),
          (.peerCpuS // "n/a"),
          "\(.lagStart | r1)>\(.lagEnd | r1) (\(.lagMax | r1))",
          "\(.pendStart | q)>\(.pendEnd | q)",
          "\(.shardsStart | q)>\(.shardsEnd | q) (\(.shardsMax | q))",
          ((.serverRssKiB / 1024) | floor), ((.rssAfterKiB / 1024) | floor) ] | @tsv' --argjson ok "$CATCHUP_OK" "$RESULTS"
} | awk -F'\t' '{ printf "%-7s %8s %9s %11s %10s %8s %10s %15s %11s %11s %22s %8s %21s %19s %22s %11s %17s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17 }'

echo
echo "ingest and forwarded: deltas of Vigil's received_samples_total and samples_sent_total{endpoint=\"vm\"} over the"
echo "load generator's window. CPU-s/M fwd: Vigil's whole-process CPU over the window per million samples forwarded in it;"
echo "(to caught-up): from window start until forwarding caught up. catch-up: seconds after the push ended until"
echo "forwarded == ingested; fwd/s after push: samples forwarded from the window's end until caught up, over the catch-up"
echo "time (forwarding alone, ~0.1 s of in-flight pushes aside); far below forwarded/s, the tail was a partial batch waiting"
echo "for batch_send_deadline (5 s by default), not a backlog. keeps up: fwd/ingest >= 0.98 and catch-up <= ${CATCHUP_OK} s."
if ((RATE > 0)); then
    echo "lag: Vigil's gauge, in sample time; paced, the rounds are series/RATE s apart, so it reads as seconds behind."
else
    echo "lag: Vigil's gauge, in sample time (flat out, the pushed rounds are 100 ms apart whatever the push rate)."
fi
echo "RSS: VmRSS at the window's end and after catch-up."
jq -r '"\(.series) series: loadgen \(.samplesPerSec) samples/s accepted (2xx) in \(.durationS) s, non-2xx \(.non2xx), p99 \(.latencyP99Ms) ms," +
       " loadgen CPU-s \(.loadgenCpuS)\(if .targetSamplesPerSec > 0 then ", late requests \(.lateRequests)" else "" end);" +
       " ingested total \(.inTotal), forwarded total \(.outTotal), VM rows inserted \(.vmRows // "n/a")"' "$RESULTS"
jq -r 'select(.non2xx > 0 or .warmupNon2xx > 0)
       | "non-2xx: \(.series) series: \(.statuses) (warm-up \(.warmupNon2xx)); first: \(.firstFailure // "-")"' "$RESULTS"
jq -r 'select(.targetSamplesPerSec > 0 and .samplesPerSec < 0.98 * .targetSamplesPerSec)
       | "warning: \(.series) series: the load generator reached \(.samplesPerSec) of \(.targetSamplesPerSec) samples/s (\(.lateRequests) requests late): the machine could not hold RATE"' "$RESULTS"
jq -r 'select(.exhausted) | "warning: \(.series) series ran out of pre-built payload after \(.durationS) s; raise MAX_RATE"' "$RESULTS"
jq -r 'select(.catchUpS == null) | "warning: \(.series) series: forwarding did not catch up within '"$CATCHUP_TIMEOUT"' s (\(.outTotal) of \(.inTotal) sent)"' "$RESULTS"
jq -r 'select(.vmRows != null and .outTotal != null and .vmRows != .outTotal) | "note: \(.series) series: VM counted \(.vmRows) rows, Vigil counted \(.outTotal) sent"' "$RESULTS"
cat "$NOTES"
grep -q 'look like trouble' "$NOTES" || echo "server logs: no warning or error lines"
