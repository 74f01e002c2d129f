#!/usr/bin/env bash
# Issue 7's benchmark: MONITORS HTTP monitors (template website) at INTERVAL against one local HTTP server
# (`Vigil.Benchmarks serve-targets`, one tiny page per target, GET /metrics?target=t00001 ...), run by Vigil for
# DURATION seconds after a WARMUP; then, for reference in the same run, the same MONITORS URLs probed by
# Prometheus 2.42 through prometheus-blackbox-exporter (module http_2xx) at the same interval. One at a time, each
# with a fresh data dir. Printed, not asserted: schedule lateness p50/p99 from Vigil's
# vigil_monitor_schedule_lateness_seconds histogram over the window (linear within a bucket, as
# histogram_quantile); collections per second from vigil_monitor_collections_total (for Prometheus, the samples
# its head appended per second); CPU = utime+stime over the window as % of one core (/proc/PID/stat, all threads;
# for the reference, blackbox exporter and Prometheus added); RSS = VmRSS at the end of the window (added too).
#
#   bench/compare/monitors.sh                             # 60 s warm-up + 300 s measured per side
#   WARMUP=30 DURATION=90 bench/compare/monitors.sh       # a shorter run
#
# Environment (defaults): MONITORS (10000), INTERVAL (10s), WARMUP (60) seconds, DURATION (300) seconds measured,
# SIDES ("vigil blackbox"), LATENESS_P99_MS (500), RSS_TARGET_MIB (400), CPU_TARGET (30) % of one core for Vigil's
# PASS/FAIL lines, VIGIL_STORAGE (1: Vigil keeps the data in its embedded TSDB, as the Prometheus server does;
# 0: WAL only, agent mode), ARTIFACTS (/tmp/art-monitors) build output, KEEP_TMP (0).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MONITORS="${MONITORS:-10000}"
INTERVAL="${INTERVAL:-10s}"
WARMUP="${WARMUP:-60}"
DURATION="${DURATION:-300}"
SIDES="${SIDES:-vigil blackbox}"
LATENESS_P99_MS="${LATENESS_P99_MS:-500}"
RSS_TARGET_MIB="${RSS_TARGET_MIB:-400}"
CPU_TARGET="${CPU_TARGET:-30}"
ARTIFACTS="${ARTIFACTS:-/tmp/art-monitors}"
KEEP_TMP="${KEEP_TMP:-0}"
VIGIL_STORAGE="${VIGIL_STORAGE:-1}"
CLK_TCK="$(getconf CLK_TCK)"

SCRIPT_NAME=monitors.sh
# shellcheck source=bench/compare/lib.sh
source "$REPO/bench/compare/lib.sh"
[[ "$INTERVAL" =~ ^[0-9]+s$ ]] || die "INTERVAL must be whole seconds, e.g. 10s (got '$INTERVAL')"

packages=(curl jq iproute2)
[[ " $SIDES " == *" blackbox "* ]] && packages+=(prometheus prometheus-blackbox-exporter)
ensure_packages "${packages[@]}"

# ---- temp dir, cleanup -------------------------------------------------------------------------------
WORK="$(mktemp -d -t vigil-monitors-bench.XXXXXX)"
TARGETS_PID=""
PIDS=()
SIDE_DIR=""

stop_side() {
    local pid
    for pid in ${PIDS[@]+"${PIDS[@]}"}; do
        stop_pid "$pid" "$SIDE_NAME"
    done
    PIDS=()
}

on_exit() {
    local status=$?
    ((status != 0)) && [[ -n "$SIDE_DIR" ]] && tail_logs "$SIDE_DIR"/*.out "$SIDE_DIR"/*.err "$WORK"/targets.err
    stop_side
    stop_pid "$TARGETS_PID" serve-targets
    clean_work
    exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT TERM


# Target names exactly as serve-targets spells them: t, then the number zero-padded to at least 4 digits.
NAME_DIGITS=$((${#MONITORS} > 4 ? ${#MONITORS} : 4))
target_url() { printf "http://%s/metrics?target=t%0${NAME_DIGITS}d" "$TARGETS_ADDRESS" "$1"; }

# ---- the HTTP server every monitor probes -----------------------------------------------------------------
build_release
TARGETS_PORT="$(free_port)"
TARGETS_ADDRESS="127.0.0.1:$TARGETS_PORT"
dotnet "$BENCH_DLL" serve-targets --listen "$TARGETS_ADDRESS" --targets "$MONITORS" --series 1 --variants 1 \
    >"$WORK/targets.out" 2>"$WORK/targets.err" &
TARGETS_PID=$!
wait_ready serve-targets "$TARGETS_PID" "http://$TARGETS_ADDRESS/-/ready"

# ---- one side ------------------------------------------------------------------------------------------
# Vigil's monitors, one import (the API's YAML list) rather than MONITORS requests.
write_import() {
    local i
    printf 'monitors:\n'
    for ((i = 1; i <= MONITORS; i++)); do
        printf '  - name: m%d\n    app: website\n    interval: %s\n    params:\n      url: "%s"\n      timeout: 5s\n' "$i" "$INTERVAL" "$(target_url "$i")"
    done
}

write_prometheus_config() {
    local i
    printf 'global:\n  scrape_interval: %s\n  scrape_timeout: 5s\nscrape_configs:\n  - job_name: blackbox\n' "$INTERVAL"
    printf '    metrics_path: /probe\n    params:\n      module: [http_2xx]\n    static_configs:\n      - targets:\n'
    for ((i = 1; i <= MONITORS; i++)); do
        printf '          - "%s"\n' "$(target_url "$i")"
    done
    printf '    relabel_configs:\n      - source_labels: [__address__]\n        target_label: __param_target\n'
    printf '      - source_labels: [__param_target]\n        target_label: instance\n'
    printf '      - target_label: __address__\n        replacement: %s\n' "$BLACKBOX_ADDRESS"
}

start_side() {
    local port
    SIDE_NAME="$1"
    SIDE_DIR="$(mktemp -d "$WORK/$SIDE_NAME.XXXX")"
    mkdir -p "$SIDE_DIR/data"
    port="$(free_port)"
    SIDE_URL="http://127.0.0.1:$port"
    case "$SIDE_NAME" in
        vigil)
            {
                [[ "$VIGIL_STORAGE" == 0 ]] && printf 'storage:\n  enabled: false\n'
                printf 'metrics:\n  configs:\n    - name: default\n'
            } >"$SIDE_DIR/vigil.yml"
            "$VIGIL_BIN" run --listen "127.0.0.1:$port" --data "$SIDE_DIR/data" --config "$SIDE_DIR/vigil.yml" \
                >"$SIDE_DIR/vigil.out" 2>"$SIDE_DIR/vigil.err" &
            PIDS=($!)
            wait_ready vigil "${PIDS[0]}" "$SIDE_URL/-/ready"
            write_import >"$SIDE_DIR/import.yml"
            curl -fsS --max-time 600 -H 'Content-Type: application/yaml' --data-binary "@$SIDE_DIR/import.yml" \
                "$SIDE_URL/api/v1/monitors/import" | jq -c '{created}' >&2
            ;;
        blackbox)
            BLACKBOX_ADDRESS="127.0.0.1:$(free_port)"
            printf 'modules:\n  http_2xx:\n    prober: http\n    timeout: 5s\n' >"$SIDE_DIR/blackbox.yml"
            prometheus-blackbox-exporter --config.file="$SIDE_DIR/blackbox.yml" --web.listen-address="$BLACKBOX_ADDRESS" \
                >"$SIDE_DIR/blackbox.out" 2>"$SIDE_DIR/blackbox.err" &
            PIDS=($!)
            wait_ready blackbox "${PIDS[0]}" "http://$BLACKBOX_ADDRESS/"
            write_prometheus_config >"$SIDE_DIR/prometheus.yml"
            prometheus --storage.tsdb.path="$SIDE_DIR/data" --config.file="$SIDE_DIR/prometheus.yml" \
                --web.listen-address="127.0.0.1:$port" >"$SIDE_DIR/prometheus.out" 2>"$SIDE_DIR/prometheus.err" &
            PIDS+=($!)
            wait_ready prometheus "${PIDS[1]}" "$SIDE_URL/-/ready"
            ;;
        *) die "unknown side '$SIDE_NAME' (SIDES takes vigil, blackbox)" ;;
    esac
}

total_ticks() { local t=0 pid; for pid in "${PIDS[@]}"; do t=$((t + $(cpu_ticks "$pid"))); done; echo "$t"; }
total_rss_kib() { local t=0 pid; for pid in "${PIDS[@]}"; do t=$((t + $(status_kib "$pid" VmRSS))); done; echo "$t"; }

# Vigil's self-metrics we difference over the window: the lateness buckets, its count, and collections.
vigil_snapshot() {
    curl -fsS --max-time 30 "$SIDE_URL/metrics" | grep -E '^vigil_monitor_(schedule_lateness_seconds_(bucket|count)|collections_total)'
}

# What Prometheus's probes wrote: the samples its head appended so far.
prometheus_samples() {
    curl -fsS --max-time 30 "$SIDE_URL/metrics" | awk '/^prometheus_tsdb_head_samples_appended_total/ { s += $NF } END { printf "%d\n", s }'
}

# quantile Q BEFORE AFTER: histogram_quantile over the bucket deltas of the window, in ms.
quantile_ms() {
    awk -v q="$1" '
        FNR == NR && /_bucket/ { match($0, /le="[^"]*"/); le = substr($0, RSTART + 4, RLENGTH - 5); before[le] = $NF; next }
        /_bucket/ { match($0, /le="[^"]*"/); le = substr($0, RSTART + 4, RLENGTH - 5); n++; les[n] = le; d[n] = $NF - before[le] }
        END {
            total = d[n]; if (total <= 0) { print "n/a"; exit }
            rank = q * total; prev_le = 0; prev = 0
            for (i = 1; i <= n; i++) {
                if (d[i] >= rank) {
                    if (les[i] == "+Inf") { printf "> %.0f\n", prev_le * 1000; exit }
                    printf "%.0f\n", (prev_le + (les[i] - prev_le) * (rank - prev) / (d[i] - prev)) * 1000; exit
                }
                prev_le = les[i]; prev = d[i]
            }
        }' "$2" "$3"
}

collections() { awk '/^vigil_monitor_collections_total/ && !/skipped/ { s += $NF } END { printf "%d\n", s }' "$1"; }

run_side() {
    local side="$1" t0 t1 ticks0 ticks1 seconds cpu rss
    log "---- $side: $MONITORS monitors every $INTERVAL, ${WARMUP}s warm-up, ${DURATION}s measured (load $(cut -d' ' -f1-3 /proc/loadavg))"
    start_side "$side"
    sleep "$WARMUP"
    [[ "$side" == vigil ]] && vigil_snapshot >"$SIDE_DIR/before.txt"
    [[ "$side" == blackbox ]] && prometheus_samples >"$SIDE_DIR/before.txt"
    ticks0="$(total_ticks)"; t0="$(date +%s.%N)"
    sleep "$DURATION"
    ticks1="$(total_ticks)"; t1="$(date +%s.%N)"
    rss="$(total_rss_kib)"
    seconds="$(echo "$t1 - $t0" | bc -l)"
    cpu="$(echo "($ticks1 - $ticks0) * 100 / $CLK_TCK / $seconds" | bc -l)"
    printf '%-9s cpu %5.1f%% of one core   rss %6.1f MiB' "$side" "$cpu" "$(echo "$rss / 1024" | bc -l)"
    if [[ "$side" == vigil ]]; then
        vigil_snapshot >"$SIDE_DIR/after.txt"
        local p50 p99 rate
        p50="$(quantile_ms 0.5 "$SIDE_DIR/before.txt" "$SIDE_DIR/after.txt")"
        p99="$(quantile_ms 0.99 "$SIDE_DIR/before.txt" "$SIDE_DIR/after.txt")"
        rate="$(echo "($(collections "$SIDE_DIR/after.txt") - $(collections "$SIDE_DIR/before.txt")) / $seconds" | bc -l)"
        printf '   lateness p50 %s ms p99 %s ms   %.1f collections/s (expected %.1f)\n' "$p50" "$p99" "$rate" "$(echo "$MONITORS / ${INTERVAL%s}" | bc -l)"
        # Rounds skipped because the monitor's previous round still ran, and failures, over the window only.
        log "vigil, in the window: $(awk 'FNR == NR && /^vigil_monitor_collections_total/ { b[$1] = $NF; next }
            /^vigil_monitor_collections_total/ && !/success/ { printf "%s %d  ", $1, $NF - b[$1] }' "$SIDE_DIR/before.txt" "$SIDE_DIR/after.txt")"
        verdict "p99 lateness < ${LATENESS_P99_MS} ms" "$([[ "$p99" =~ ^[0-9]+$ ]] && ((p99 < LATENESS_P99_MS)) && echo 1 || echo 0)"
        verdict "rss < ${RSS_TARGET_MIB} MiB" "$(((rss / 1024) < RSS_TARGET_MIB ? 1 : 0))"
        verdict "cpu < ${CPU_TARGET}% of one core" "$(echo "$cpu < $CPU_TARGET" | bc -l)"
    else
        local samples
        samples="$(prometheus_samples)"
        printf '   %.0f samples/s appended (blackbox + prometheus together)\n' "$(echo "($samples - $(cat "$SIDE_DIR/before.txt")) / $seconds" | bc -l)"
    fi
    stop_side
}

verdict() { printf '  %-32s %s\n' "$1" "$([[ "$2" == 1 ]] && echo PASS || echo FAIL)"; }

log "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for side in $SIDES; do
    run_side "$side"
done
