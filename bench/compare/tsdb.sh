#!/usr/bin/env bash
# Issue 5's benchmark: the same node_exporter-like history (SERIES series, ROUNDS samples each, STEP_MS apart, ending
# now: by default 100k series x 2 h at 15 s = 48M samples) pushed over remote write 1.0, in time order, into Vigil
# (the real `vigil`, TSDB on), Prometheus 2.42 and VictoriaMetrics 1.79, one at a time, each on 127.0.0.1 with a
# fresh data dir. Printed, not asserted. Per server:
#   ingest       samples per server CPU-second (utime+stime of the server PID) from the first request until the data
#                is durable: Vigil until its TSDB head holds every sample (WAL + head), VictoriaMetrics until
#                /internal/force_flush returns, Prometheus when the last request is answered (head + WAL).
#   RSS          VmRSS SETTLE seconds after ingest, and that divided by the active series (all SERIES are active).
#   select       latency of one raw read of 1, 1k and all series over the last SELECT_RANGE_S seconds: remote read
#                (POST /api/v1/read, sampled) for Vigil and Prometheus, /api/v1/export for VictoriaMetrics (1.79 has
#                no remote read). Median of SELECT_REPEAT reads after a first one.
#   disk         bytes on disk after compaction, per sample pushed: Vigil and Prometheus write a snapshot through the
#                admin API (POST /api/v1/admin/tsdb/snapshot, --web.enable-admin-api), which cuts the head into a
#                block, and the snapshot's block directories are counted (du -sb: index, chunks, meta); VictoriaMetrics
#                gets /internal/force_flush and /internal/force_merge and its data/ and indexdb/ are counted.
#
#   bench/compare/tsdb.sh                       # 100k series, 2 h at 15 s
#   SERIES=10000 bench/compare/tsdb.sh          # smoke run
#
# Environment (defaults): SERIES (100000), SERIES_PER_HOST (1000) series per node_exporter target, ROUNDS (480),
# STEP_MS (15000), SENDERS (4), SAMPLES_PER_REQUEST (2000), SERVERS ("vigil prometheus victoriametrics"),
# SETTLE (5) s before RSS, SELECT_RANGE_S (300), SELECT_REPEAT (5), ARTIFACTS (REPO/artifacts/bench-tsdb),
# KEEP_TMP (0), VIGIL_ENV ("") extra environment for vigil (e.g. "DOTNET_GCgen0size=0x4000000"), AT_RSS ("") a command
# run with the server's name and PID appended right after RSS is read (e.g. a heap census of vigil).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SERIES="${SERIES:-100000}"
SERIES_PER_HOST="${SERIES_PER_HOST:-1000}"
ROUNDS="${ROUNDS:-480}"
STEP_MS="${STEP_MS:-15000}"
SENDERS="${SENDERS:-4}"
SAMPLES_PER_REQUEST="${SAMPLES_PER_REQUEST:-2000}"
SERVERS="${SERVERS:-vigil prometheus victoriametrics}"
SETTLE="${SETTLE:-5}"
SELECT_RANGE_S="${SELECT_RANGE_S:-300}"
SELECT_REPEAT="${SELECT_REPEAT:-5}"
ARTIFACTS="${ARTIFACTS:-$REPO/artifacts/bench-tsdb}"
KEEP_TMP="${KEEP_TMP:-0}"
VIGIL_ENV="${VIGIL_ENV:-}"
AT_RSS="${AT_RSS:-}"
CLK_TCK="$(getconf CLK_TCK)"

SCRIPT_NAME=tsdb.sh
# shellcheck source=bench/compare/lib.sh
source "$REPO/bench/compare/lib.sh"

packages=(curl jq iproute2)
[[ " $SERVERS " == *" prometheus "* ]] && packages+=(prometheus)
[[ " $SERVERS " == *" victoriametrics "* ]] && packages+=(victoria-metrics)
ensure_packages "${packages[@]}"
VM_BIN=""
[[ " $SERVERS " == *" victoriametrics "* ]] && VM_BIN="$(victoria_metrics_bin)"

WORK="$(mktemp -d -t vigil-tsdb-bench.XXXXXX)"
SERVER_PID=""
SERVER_NAME=""
SERVER_DIR=""
VIGIL_ARGS=(--web.enable-admin-api)
PROMETHEUS_ARGS=(--web.enable-admin-api)
trap on_exit_stop_server EXIT
trap 'exit 130' INT TERM

build_release

# Vigil: until the TSDB head has taken (or refused) every pushed sample from the WAL.
wait_vigil_head() {
    local want="$1" got
    for _ in $(seq 1 3000); do
        got="$(curl -fsS --max-time 5 "$BASE/metrics" | awk '/^vigil_tsdb_wal_samples(_refused)?_total/ { s += $NF } END { printf "%d", s }')"
        ((got >= want)) && return 0
        sleep 0.2
    done
    die "vigil: the TSDB head took $got of $want samples in 10 min"
}

# Makes the pushed data durable the way each server defines it (see the header).
make_durable() {
    case "$1" in
        vigil) wait_vigil_head "$2" ;;
        victoriametrics) curl -fsS --max-time 600 -o /dev/null "$BASE/internal/force_flush" ;;
        prometheus) ;;
    esac
}

# Compacts and prints the bytes to count (see the header).
compact_and_measure() {
    local name="$1" snap
    case "$name" in
        vigil | prometheus)
            snap="$(curl -fsS --max-time 900 -X POST "$BASE/api/v1/admin/tsdb/snapshot" | jq -r .data.name)"
            [[ -n "$snap" && "$snap" != null ]] || die "$name: snapshot failed"
            if [[ "$name" == vigil ]]; then snap="$SERVER_DIR/data/tsdb/snapshots/$snap"; else snap="$SERVER_DIR/data/snapshots/$snap"; fi
            find "$snap" -mindepth 1 -maxdepth 1 -type d -print0 | xargs -0 -r du -sb | awk '{ s += $1 } END { printf "%d", s }' ;;
        victoriametrics)
            curl -fsS --max-time 600 -o /dev/null "$BASE/internal/force_flush"
            curl -fsS --max-time 600 -o /dev/null "$BASE/internal/force_merge"
            for _ in $(seq 1 3000); do
                curl -fsS --max-time 5 "$BASE/metrics" | grep -qE '^vm_active_force_merges 0$' && break
                sleep 0.2
            done
            du -sb "$SERVER_DIR/data/data" "$SERVER_DIR/data/indexdb" | awk '{ s += $1 } END { printf "%d", s }' ;;
    esac
}

select_latency() {
    local name="$1" match="$2" end="$3" api=remote-read
    [[ "$name" == victoriametrics ]] && api=vm-export
    dotnet "$BENCH_DLL" select-latency --base "$BASE" --api "$api" --match "$match" \
        --start "$((end - SELECT_RANGE_S * 1000))" --end "$end" --repeat "$SELECT_REPEAT"
}

RESULTS="$WORK/results.jsonl"
: >"$RESULTS"
log "$SERIES series x $ROUNDS rounds at ${STEP_MS} ms, $SENDERS senders, $SAMPLES_PER_REQUEST samples/request, $(nproc) CPUs"
for name in $SERVERS; do
    start_server "$name"
    log "$name: pid=$SERVER_PID base=$BASE"
    t0="$(cpu_ticks "$SERVER_PID")"
    push="$(dotnet "$BENCH_DLL" push-history --url "$BASE/api/v1/write" --series "$SERIES" --series-per-host "$SERIES_PER_HOST" \
        --rounds "$ROUNDS" --step-ms "$STEP_MS" --senders "$SENDERS" --samples-per-request "$SAMPLES_PER_REQUEST")" \
        || die "load generator failed against $name"
    samples="$(jq -r .samples <<<"$push")"
    make_durable "$name" "$samples"
    t1="$(cpu_ticks "$SERVER_PID")"
    log "  $(jq -r '"pushed \(.samples) samples in \(.seconds) s, non-2xx \(.non2xx)"' <<<"$push")"
    sleep "$SETTLE"
    rss="$(awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status")"
    # What of the RSS is managed heap (live after the last GC, and committed), to tell heap savings from noise.
    [[ "$name" == vigil ]] && log "  vigil at RSS time: $(curl -fsS --max-time 5 "$BASE/metrics" \
        | awk '/^vigil_gc_(heap|committed|fragmented)_bytes / { printf "%s %.1f MiB  ", substr($1, 10), $2 / 1048576 }
               /^vigil_gc_generation_(size|fragmented)_bytes/ { split($1, p, "\""); g[p[2]] = g[p[2]] sprintf(" %.1f", $2 / 1048576) }
               END { for (k in g) printf "gen %s (size, free):%s MiB  ", k, g[k] }')"
    [[ -n "$AT_RSS" ]] && { $AT_RSS "$name" "$SERVER_PID" || log "  AT_RSS command failed"; }
    end="$(jq -r .lastTimestampMs <<<"$push")"
    s1="$(select_latency "$name" "__name__=node_load1,instance=host-00000:9100" "$end")"
    s1k="$(select_latency "$name" "instance=host-00000:9100" "$end")"
    sall="$(select_latency "$name" "job=node" "$end")"
    bytes="$(compact_and_measure "$name")"
    kill -0 "$SERVER_PID" 2>/dev/null || die "$name died during the run"
    jq -nc --arg server "$name" --argjson push "$push" --argjson t0 "$t0" --argjson t1 "$t1" --argjson tck "$CLK_TCK" \
        --argjson rss "$rss" --argjson bytes "$bytes" --argjson s1 "$s1" --argjson s1k "$s1k" --argjson sall "$sall" \
        '{server: $server, push: $push, cpuS: (($t1 - $t0) / $tck), rssKiB: $rss, diskBytes: $bytes, s1: $s1, s1k: $s1k, sall: $sall}' >>"$RESULTS"
    stop_server
    rm -rf "$SERVER_DIR/data"
done

echo
echo "$SERIES series x $ROUNDS samples at $((STEP_MS / 1000)) s (node_exporter-like), remote write 1.0, $SENDERS senders," \
    "$SAMPLES_PER_REQUEST samples/request, $(nproc) CPUs shared with the load generator"
{
    printf 'server\tsamples\tnon-2xx\tpush s\tsrv CPU-s\tsamples/CPU-s\tRSS MiB\tRSS KiB/series\tdisk MiB\tB/sample\tselect 1 ms\tselect 1k ms\tselect all ms\n'
    jq -r --argjson series "$SERIES" '[.server, .push.samples, .push.non2xx, .push.seconds, (.cpuS * 100 | round / 100),
            (.push.samples / .cpuS | round), (.rssKiB / 1024 | round), (.rssKiB / $series * 100 | round / 100),
            (.diskBytes / 1048576 * 10 | round / 10), (.diskBytes / .push.samples * 1000 | round / 1000),
            .s1.medianMs, .s1k.medianMs, .sall.medianMs] | @tsv' "$RESULTS"
} | awk -F'\t' '{ printf "%-16s %9s %8s %7s %10s %14s %8s %15s %10s %9s %12s %13s %14s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13 }'
echo
echo "select: series/samples returned (1, 1k, all) over the last ${SELECT_RANGE_S}s; first read ms"
jq -r '"  \(.server): \(.s1.series)/\(.s1.samples), \(.s1k.series)/\(.s1k.samples), \(.sall.series)/\(.sall.samples); first \(.s1.firstMs), \(.s1k.firstMs), \(.sall.firstMs) ms"' "$RESULTS"
jq -r 'select(.push.non2xx > 0) | "non-2xx: \(.server): \(.push.non2xx); first: \(.push.firstFailure)"' "$RESULTS"
echo
echo "Vigil relative to each peer (ingest: >1 is cheaper per sample; disk and RSS: <1 is smaller):"
jq -rs '(map(select(.server == "vigil")) | first) as $v | .[] | select(.server != "vigil") | select($v != null)
  | "  vs \(.server): ingest \((($v.push.samples / $v.cpuS) / (.push.samples / .cpuS) * 100 | round) / 100)x, bytes/sample \(($v.diskBytes / .diskBytes * 100 | round) / 100)x, RSS \(($v.rssKiB / .rssKiB * 100 | round) / 100)x"' "$RESULTS"
