#!/usr/bin/env bash
# Issue 4's scale check: TARGETS targets of SERIES node_exporter-like series each, served by
# `Vigil.Benchmarks serve-targets` on 127.0.0.1 and scraped every INTERVAL, first by Vigil (`vigil run`, one
# instance with only scrape_configs), then by Prometheus 2.42 (server mode, and agent mode, the like-for-like
# peer of an agent with no local TSDB), one at a time, each with a fresh data dir. Targets are told apart the
# blackbox-exporter way (static t0001... relabeled into ?target=), so every scraper sends the same requests.
# Printed, not asserted: CPU is utime+stime of the scraper's PID over the measured window (/proc/PID/stat,
# all threads), as % of one core; RSS is VmRSS at the end of the window, peak RSS VmHWM.
#
#   bench/compare/scrape-scale.sh                         # 60 s warm-up + 180 s measured per scraper
#   WARMUP=30 WINDOW=60 bench/compare/scrape-scale.sh     # smoke run
#
# Environment (defaults): TARGETS (1000), SERIES (1000) per target, INTERVAL (15s) scrape_interval, WARMUP (60)
# seconds after the scraper is ready and before the window, WINDOW (180) seconds measured, SCRAPERS ("vigil
# prometheus prometheus-agent"; also "vigil-tsdb": Vigil with its embedded TSDB on), VARIANTS (4) pages per target served in turn, CPU_TARGET (25) % of one core and
# RSS_TARGET_MIB (600) for Vigil's PASS/FAIL, ARTIFACTS (REPO/artifacts/bench-compare) build output, KEEP_TMP (0).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TARGETS="${TARGETS:-1000}"
SERIES="${SERIES:-1000}"
INTERVAL="${INTERVAL:-15s}"
WARMUP="${WARMUP:-60}"
WINDOW="${WINDOW:-180}"
SCRAPERS="${SCRAPERS:-vigil prometheus prometheus-agent}"
VARIANTS="${VARIANTS:-4}"
CPU_TARGET="${CPU_TARGET:-25}"
RSS_TARGET_MIB="${RSS_TARGET_MIB:-600}"
ARTIFACTS="${ARTIFACTS:-$REPO/artifacts/bench-compare}"
KEEP_TMP="${KEEP_TMP:-0}"
CLK_TCK="$(getconf CLK_TCK)"

SCRIPT_NAME=scrape-scale.sh
# shellcheck source=bench/compare/lib.sh
source "$REPO/bench/compare/lib.sh"
[[ "$INTERVAL" =~ ^[0-9]+s$ ]] || die "INTERVAL must be whole seconds, e.g. 15s (got '$INTERVAL')"

packages=(curl jq iproute2)
[[ " $SCRAPERS " == *" prometheus"* ]] && packages+=(prometheus)
ensure_packages "${packages[@]}"

# ---- temp dir, cleanup -------------------------------------------------------------------------------
WORK="$(mktemp -d -t vigil-scrape-bench.XXXXXX)"
TARGETS_PID=""
SCRAPER_PID=""
SCRAPER_NAME=""
SCRAPER_DIR=""

stop_scraper() {
    local pid="$SCRAPER_PID"
    SCRAPER_PID=""
    stop_pid "$pid" "$SCRAPER_NAME"
}

on_exit() {
    local status=$?
    ((status != 0)) && tail_logs "$SCRAPER_DIR"/scraper.out "$SCRAPER_DIR"/scraper.err "$WORK"/targets.err
    stop_scraper
    stop_pid "$TARGETS_PID" serve-targets
    clean_work
    exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT TERM

# ---- helpers -------------------------------------------------------------------------------------------
now() { date +%s.%N; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }


# The scrape config both scrapers get, indented for their file (Vigil nests it in an instance).
write_scrape_config() {
    local indent="$1" i
    {
        printf '%s- job_name: node\n' "$indent"
        printf '%s  scrape_interval: %s\n' "$indent" "$INTERVAL"
        printf '%s  static_configs:\n' "$indent"
        printf '%s    - targets:\n' "$indent"
        for ((i = 1; i <= TARGETS; i++)); do
            printf "%s        - t%0${NAME_DIGITS}d\n" "$indent" "$i"
        done
        printf '%s  relabel_configs:\n' "$indent"
        printf '%s    - source_labels: [__address__]\n' "$indent"
        printf '%s      target_label: __param_target\n' "$indent"
        printf '%s    - source_labels: [__param_target]\n' "$indent"
        printf '%s      target_label: instance\n' "$indent"
        printf '%s    - target_label: __address__\n' "$indent"
        printf '%s      replacement: %s\n' "$indent" "$TARGETS_ADDRESS"
    }
}

# Samples the scraper has appended so far: Vigil's WAL (read-only inspection, its own process), Prometheus's counters.
samples_appended() {
    case "$SCRAPER_NAME" in
        vigil | vigil-tsdb) "$VIGIL_BIN" wal inspect "$SCRAPER_DIR/data/wal/scale" | jq '.samples' ;;
        prometheus) curl -fsS --max-time 10 "$SCRAPER_URL/metrics" | awk '/^prometheus_tsdb_head_samples_appended_total/ { s += $NF } END { printf "%d\n", s }' ;;
        prometheus-agent) curl -fsS --max-time 10 "$SCRAPER_URL/metrics" | awk '/^prometheus_agent_samples_appended_total/ { s += $NF } END { printf "%d\n", s }' ;;
    esac
}

# Starts $1 on a free port with a fresh data dir; sets SCRAPER_PID, SCRAPER_URL, SCRAPER_DIR.
start_scraper() {
    local name="$1" port
    port="$(free_port)"
    SCRAPER_NAME="$name"
    SCRAPER_DIR="$(mktemp -d "$WORK/$name.XXXX")"
    SCRAPER_URL="http://127.0.0.1:$port"
    mkdir -p "$SCRAPER_DIR/data"
    case "$name" in
        vigil | vigil-tsdb)
            {
                # "vigil" is the agent (WAL only, the like-for-like peer of Prometheus's agent mode and the
                # configuration issue 4's targets are for); "vigil-tsdb" also keeps the data in its embedded TSDB.
                [[ "$name" == vigil ]] && printf 'storage:\n  enabled: false\n'
                printf 'metrics:\n  configs:\n    - name: scale\n      scrape_configs:\n'
                write_scrape_config '        '
            } >"$SCRAPER_DIR/vigil.yml"
            "$VIGIL_BIN" run --listen "127.0.0.1:$port" --data "$SCRAPER_DIR/data" --config "$SCRAPER_DIR/vigil.yml" \
                >"$SCRAPER_DIR/scraper.out" 2>"$SCRAPER_DIR/scraper.err" &
            ;;
        prometheus | prometheus-agent)
            {
                printf 'global:\n  scrape_interval: %s\nscrape_configs:\n' "$INTERVAL"
                write_scrape_config '  '
            } >"$SCRAPER_DIR/prometheus.yml"
            local storage=(--storage.tsdb.path="$SCRAPER_DIR/data")
            [[ "$name" == prometheus-agent ]] && storage=(--enable-feature=agent --storage.agent.path="$SCRAPER_DIR/data")
            prometheus "${storage[@]}" --config.file="$SCRAPER_DIR/prometheus.yml" --web.listen-address="127.0.0.1:$port" \
                >"$SCRAPER_DIR/scraper.out" 2>"$SCRAPER_DIR/scraper.err" &
            ;;
        *) die "unknown scraper '$name' (SCRAPERS takes vigil, prometheus, prometheus-agent)" ;;
    esac
    SCRAPER_PID=$!
    wait_ready "$name" "$SCRAPER_PID" "$SCRAPER_URL/-/ready"
}

# Targets API (both speak Prometheus's shape): "up total mean-ms max-ms".
targets_summary() {
    curl -fsS --max-time 30 "$SCRAPER_URL/api/v1/targets" | jq -r '
        [.data.activeTargets[]] as $t
        | [($t | map(select(.health == "up")) | length), ($t | length),
           (if ($t | length) > 0 then ($t | map(.lastScrapeDuration) | add / length * 1000 * 10 | round / 10) else 0 end),
           (($t | map(.lastScrapeDuration) | max // 0) * 1000 * 10 | round / 10)] | @tsv'
}

first_error() {
    curl -fsS --max-time 30 "$SCRAPER_URL/api/v1/targets" | jq -r '[.data.activeTargets[] | select(.health != "up") | .lastError] | first // ""'
}

log_problems() {
    cat "$SCRAPER_DIR/scraper.out" "$SCRAPER_DIR/scraper.err" 2>/dev/null \
        | grep -Ei '(^|[^a-z])(warn|warning|error|fail|crit|panic|fatal|level=(warn|error))([^a-z]|$)' || true
}

# ---- build, targets ------------------------------------------------------------------------------------
build_release
NAME_DIGITS=$((${#TARGETS} > 4 ? ${#TARGETS} : 4))
port="$(free_port)"
TARGETS_ADDRESS="127.0.0.1:$port"
dotnet "$BENCH_DLL" serve-targets --listen "$TARGETS_ADDRESS" --targets "$TARGETS" --series "$SERIES" --variants "$VARIANTS" \
    >"$WORK/targets.out" 2>"$WORK/targets.err" &
TARGETS_PID=$!
wait_ready serve-targets "$TARGETS_PID" "http://$TARGETS_ADDRESS/-/ready"
log "$(head -n 1 "$WORK/targets.err")"

RESULTS="$WORK/results.tsv"
NOTES="$WORK/notes.txt"
: >"$RESULTS"
: >"$NOTES"
log "$TARGETS targets x $SERIES series every $INTERVAL; per scraper: ${WARMUP}s warm-up, ${WINDOW}s measured; $(nproc) CPUs"

for name in $SCRAPERS; do
    start_scraper "$name"
    log "$name: pid $SCRAPER_PID at $SCRAPER_URL; warming up ${WARMUP}s"
    sleep "$WARMUP"
    kill -0 "$SCRAPER_PID" 2>/dev/null || die "$name died during warm-up"

    # Reading the sample count takes a moment (Vigil's WAL is read whole), so the rate's window runs from the
    # middle of one reading to the middle of the other.
    s0="$(now)"
    samples_start="$(samples_appended)"
    s0="$(echo "$s0 $(now)" | awk '{ printf "%.3f", ($1 + $2) / 2 }')"
    load_start="$(loadavg)"
    t0="$(now)"
    cpu0="$(cpu_ticks "$SCRAPER_PID")"
    srv0="$(cpu_ticks "$TARGETS_PID")"
    log "$name: measuring ${WINDOW}s (load average $load_start)"
    sleep "$WINDOW"
    cpu1="$(cpu_ticks "$SCRAPER_PID")"
    srv1="$(cpu_ticks "$TARGETS_PID")"
    t1="$(now)"
    rss="$(status_kib "$SCRAPER_PID" VmRSS)"
    hwm="$(status_kib "$SCRAPER_PID" VmHWM)"
    load_end="$(loadavg)"
    s1="$(now)"
    samples_end="$(samples_appended)"
    s1="$(echo "$s1 $(now)" | awk '{ printf "%.3f", ($1 + $2) / 2 }')"
    read -r up total mean_ms max_ms <<<"$(targets_summary)"
    if ((up < total)); then
        printf '%s: %s of %s targets down; first error: %s\n' "$name" "$((total - up))" "$total" "$(first_error)" >>"$NOTES"
    fi
    problems="$(log_problems)"
    if [[ -n "$problems" ]]; then
        {
            printf '%s: %s log line(s) look like trouble; first 5:\n' "$name" "$(printf '%s\n' "$problems" | wc -l)"
            printf '%s\n' "$problems" | head -n 5 | cut -c1-300 | sed 's/^/    /'
        } >>"$NOTES"
    fi
    stop_scraper
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$up" "$total" "$t0" "$t1" "$cpu0" "$cpu1" \
        "$srv0" "$srv1" "$rss" "$hwm" "$samples_start" "$samples_end" "$mean_ms/$max_ms" "$load_start > $load_end" "$s0" "$s1" >>"$RESULTS"
    log "$name: done ($up/$total up, $(((samples_end - samples_start))) samples in window)"
done

# ---- report --------------------------------------------------------------------------------------------
echo
echo "scrape scale: $TARGETS targets x $SERIES series every $INTERVAL, ${WINDOW}s measured after ${WARMUP}s warm-up," \
    "$(nproc) CPUs; expected $(awk -v t="$TARGETS" -v s="$SERIES" -v i="${INTERVAL%s}" 'BEGIN { printf "%.0f", t * (s + 5) / i }') samples/s" \
    "(series + 5 synthetic per scrape)"
awk -F'\t' -v tck="$CLK_TCK" '
    BEGIN {
        printf "%-17s %9s %11s %8s %10s %12s %8s %13s %18s %9s  %s\n", "scraper", "up", "samples/s", "CPU-s",
            "% of core", "CPU-s/M smp", "RSS MiB", "peak RSS MiB", "scrape ms mean/max", "server %", "load avg start > end"
    }
    {
        wall = $5 - $4; cpu = ($7 - $6) / tck; srv = ($9 - $8) / tck; rate = ($13 - $12) / ($17 - $16)
        printf "%-17s %9s %11.0f %8.2f %10.1f %12.2f %8.0f %13.0f %18s %9.1f  %s\n", $1, $2 "/" $3, rate, cpu,
            100 * cpu / wall, (rate > 0 ? cpu / (rate * wall) * 1e6 : 0), $10 / 1024, $11 / 1024, $14, 100 * srv / wall, $15
    }' "$RESULTS"

echo
echo "CPU-s: utime+stime of the scraper process over the window; server %: serve-targets' CPU over the same window."
awk -F'\t' -v tck="$CLK_TCK" -v cpu_target="$CPU_TARGET" -v rss_target="$RSS_TARGET_MIB" '
    $1 == "vigil" {
        cpu = 100 * ($7 - $6) / tck / ($5 - $4); rss = $10 / 1024; hwm = $11 / 1024
        printf "vigil CPU %.1f%% of one core (target < %s%%): %s\n", cpu, cpu_target, (cpu < cpu_target ? "PASS" : "FAIL")
        printf "vigil RSS %.0f MiB, peak %.0f MiB (target < %s MiB): %s\n", rss, hwm, rss_target, (hwm < rss_target ? "PASS" : "FAIL")
        printf "vigil targets up: %s of %s: %s\n", $2, $3, ($2 == $3 ? "PASS" : "FAIL")
    }' "$RESULTS"
echo
echo "Vigil relative to each peer (below 1: Vigil needs less):"
awk -F'\t' -v tck="$CLK_TCK" '
    { cpu[NR] = ($7 - $6) / tck / (($13 - $12) / ($17 - $16) * ($5 - $4)); hwm[NR] = $11; name[NR] = $1 }
    $1 == "vigil" { v = NR }
    END {
        if (!v || NR == 1) { print "  (no pair: SCRAPERS needs vigil and a peer)"; exit }
        for (i = 1; i <= NR; i++) if (i != v)
            printf "  vs %s: CPU per sample %.2fx, peak RSS %.2fx\n", name[i], cpu[v] / cpu[i], hwm[v] / hwm[i]
    }' "$RESULTS"
cat "$NOTES"
grep -q 'look like trouble' "$NOTES" || echo "scraper logs: no warning or error lines"
