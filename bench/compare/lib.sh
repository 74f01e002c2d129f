# Shared by the comparison scripts in bench/compare (sourced, not run). Expects REPO, WORK,
# ARTIFACTS and SCRIPT_NAME to be set by the script.

log() { printf '%s\n' "$*" >&2; }
die() { log "$SCRIPT_NAME: $*"; exit 1; }

# Installs the named Debian packages that are missing (one apt run), as scripts/install-deps does.
ensure_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    ((${#missing[@]})) || return 0
    log "installing ${missing[*]} (apt)"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
}

# The VictoriaMetrics binary of Debian's package.
victoria_metrics_bin() {
    local bin
    bin="$(dpkg -L victoria-metrics | grep -E '/bin/victoria-metrics$' | head -n 1)"
    [[ -x "$bin" ]] || die "victoria-metrics binary not found in 'dpkg -L victoria-metrics'"
    echo "$bin"
}

# Stops one process we started, by PID: SIGTERM, then SIGKILL after 10 s.
stop_pid() {
    local pid="$1" name="$2"
    [[ -n "$pid" ]] || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "$name (pid $pid) ignored SIGTERM for 10 s: kill -9"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

# A port below the ephemeral range (outbound connections cannot hold it) with no socket on it at all.
free_port() {
    local low port
    read -r low _ </proc/sys/net/ipv4/ip_local_port_range
    ((low > 12000)) || low=32768
    for _ in $(seq 1 200); do
        port=$((10000 + RANDOM % (low - 10000)))
        if ! ss -Htan "( sport = :$port or dport = :$port )" | grep -q .; then
            echo "$port"
            return 0
        fi
    done
    die "no free loopback port found"
}

# Builds Vigil and the load generator (Release) into $ARTIFACTS, its own output folder, so other
# builds of the same checkout are untouched; sets VIGIL_BIN and BENCH_DLL.
build_release() {
    cd "$REPO" # global.json pins the SDK relative to the working directory
    log "building Vigil and Vigil.Benchmarks (Release) into $ARTIFACTS"
    dotnet build "$REPO/bench/Vigil.Benchmarks/Vigil.Benchmarks.csproj" -c Release --artifacts-path "$ARTIFACTS" -nologo -v q >"$WORK/build.log" 2>&1 \
        || { tail -n 40 "$WORK/build.log" >&2; die "build failed"; }
    VIGIL_BIN="$ARTIFACTS/bin/Vigil/release/vigil"
    BENCH_DLL="$ARTIFACTS/bin/Vigil.Benchmarks/release/Vigil.Benchmarks.dll"
    [[ -x "$VIGIL_BIN" && -f "$BENCH_DLL" ]] || die "build output missing: $VIGIL_BIN or $BENCH_DLL"
}

# wait_ready NAME PID URL: until URL answers 2xx (60 s at most); fails if the process exits first.
wait_ready() {
    local name="$1" pid="$2" url="$3"
    for _ in $(seq 1 600); do
        kill -0 "$pid" 2>/dev/null || die "$name exited during start-up"
        curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null && return 0
        sleep 0.1
    done
    die "$name not ready at $url after 60 s"
}

# status_kib PID KEY: a /proc/PID/status field in KiB (VmRSS, VmHWM).
status_kib() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status"; }

# cpu_ticks PID: utime + stime of the process (/proc/PID/stat fields 14 and 15; the name may hold spaces).
cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }

# tail_logs FILE...: the last lines of each non-empty log, so a failed run shows why.
tail_logs() {
    local f
    for f in "$@"; do
        [[ -s "$f" ]] || continue
        log "---- last lines of $f ----"
        tail -n 25 "$f" >&2
    done
}

# clean_work: removes $WORK, or keeps it when KEEP_TMP=1.
clean_work() {
    if [[ "${KEEP_TMP:-0}" == 1 ]]; then
        log "kept $WORK"
    else
        rm -rf "$WORK"
    fi
}

# ---- one server at a time (remote-write.sh, tsdb.sh, promql.sh) ----------------------------------------------------
# start_server NAME: starts vigil, prometheus or victoriametrics on a free 127.0.0.1 port with a fresh data dir
# under $WORK, and waits until it is ready; sets SERVER_PID, SERVER_NAME, SERVER_DIR and BASE. Expects VIGIL_BIN
# (and VM_BIN for victoriametrics). Extra command-line arguments per server go in the arrays VIGIL_ARGS,
# PROMETHEUS_ARGS and VM_ARGS; VIGIL_ENV holds NAME=VALUE words for vigil's environment.
start_server() {
    local name="$1" port ready
    port="$(free_port)"
    SERVER_NAME="$name"
    SERVER_DIR="$(mktemp -d "$WORK/$name.XXXX")"
    mkdir -p "$SERVER_DIR/data"
    # A script that serves prepared data (promql.sh's blocks) defines seed_data NAME DATA_DIR.
    if declare -F seed_data >/dev/null; then
        seed_data "$name" "$SERVER_DIR/data"
    fi
    case "$name" in
        vigil)
            # shellcheck disable=SC2086 # VIGIL_ENV is a list of NAME=VALUE words
            env ${VIGIL_ENV:-} "$VIGIL_BIN" run --listen "127.0.0.1:$port" --data "$SERVER_DIR/data" ${VIGIL_ARGS[@]+"${VIGIL_ARGS[@]}"} \
                >"$SERVER_DIR/server.out" 2>"$SERVER_DIR/server.err" &
            ready="/-/ready" ;;
        prometheus)
            printf 'global:\n  scrape_interval: 1m\nscrape_configs: []\n' >"$SERVER_DIR/prometheus.yml"
            prometheus --web.enable-remote-write-receiver --storage.tsdb.path="$SERVER_DIR/data" \
                --web.listen-address="127.0.0.1:$port" --config.file="$SERVER_DIR/prometheus.yml" ${PROMETHEUS_ARGS[@]+"${PROMETHEUS_ARGS[@]}"} \
                >"$SERVER_DIR/server.out" 2>"$SERVER_DIR/server.err" &
            ready="/-/ready" ;;
        victoriametrics)
            "$VM_BIN" -storageDataPath "$SERVER_DIR/data" -httpListenAddr "127.0.0.1:$port" ${VM_ARGS[@]+"${VM_ARGS[@]}"} \
                >"$SERVER_DIR/server.out" 2>"$SERVER_DIR/server.err" &
            ready="/health" ;;
        *) die "unknown server '$name' (SERVERS takes vigil, prometheus, victoriametrics)" ;;
    esac
    SERVER_PID=$!
    BASE="http://127.0.0.1:$port"
    wait_ready "$name" "$SERVER_PID" "$BASE$ready"
}

stop_server() {
    local pid="${SERVER_PID:-}"
    SERVER_PID=""
    stop_pid "$pid" "${SERVER_NAME:-server}"
}

# The EXIT trap of a script that runs one server at a time: its logs if the script failed, then cleanup.
on_exit_stop_server() {
    local status=$?
    ((status != 0)) && [[ -n "${SERVER_DIR:-}" ]] && tail_logs "$SERVER_DIR"/server.out "$SERVER_DIR"/server.err
    stop_server
    clean_work
    exit "$status"
}
