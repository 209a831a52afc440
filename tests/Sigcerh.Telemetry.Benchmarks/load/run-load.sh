#!/usr/bin/env bash
# Load benchmark of Sigcerh.Telemetry: the same small service built four ways (bare; floor, which only records an ASP.NET
# Core span per request and exports nothing; peer; sigcerh), driven by wrk on loopback against a throwaway PostgreSQL 15
# and a live OTLP receiver (the Aspire dashboard). Runs are interleaved and repeated; the report (medians, ratios, goals)
# and the plot are written to $OUT.
#
#   bash tests/Sigcerh.Telemetry.Benchmarks/load/run-load.sh            # full run (about 45 minutes, up to an hour when the JIT settles slowly)
#   bash tests/Sigcerh.Telemetry.Benchmarks/load/run-load.sh --smoke    # seconds: checks that everything still works
#
# Knobs (environment): READY_TO_RUN=1, ROUNDS, DURATION, WARMUP, CONNECTIONS, STARTUP_RUNS, OUTAGE_SECONDS, OUTAGE_RATE, SKIP_OUTAGE=1,
# JIT_SETTLE_MAX (after the WARMUP, more warm-up in short chunks until the tiered JIT's background worker used no CPU in
# the last chunk, at most this many seconds; default 60, 2 with --smoke; 0 turns it off),
# FIXED_RATE (req/s of the unsaturated runs, default 1000; 0 skips them), NO_SPIN=1 (thread-pool spin-waiting off in
# every build, so CPU per request at a fixed rate counts work rather than idle spinning),
# OUT (default artifacts/perf), PUBLISH=1 copies the PNG to docs/images/performance.png.
# Attack (sigcerh build): ATTACK_RATE (req/s of the measured normal endpoint, default 200), ATTACK_CONNECTIONS (flood
# connections, default 16), SKIP_ATTACK=1, ATTACK_ONLY=1 (only the attack: no rounds, startup or outage).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$repo"

smoke=0
if [ "${1:-}" = "--smoke" ]; then
  smoke=1
fi

if [ "$smoke" = 1 ]; then
  ROUNDS=${ROUNDS:-1} DURATION=${DURATION:-2} WARMUP=${WARMUP:-1} STARTUP_RUNS=${STARTUP_RUNS:-1}
  OUTAGE_SECONDS=${OUTAGE_SECONDS:-3}
  # One settle chunk of a second per endpoint: exercises the loop without making the smoke slow.
  JIT_SETTLE_MAX=${JIT_SETTLE_MAX:-2} settle_chunk=1
else
  ROUNDS=${ROUNDS:-5} DURATION=${DURATION:-10} WARMUP=${WARMUP:-3} STARTUP_RUNS=${STARTUP_RUNS:-5}
  OUTAGE_SECONDS=${OUTAGE_SECONDS:-600}
  JIT_SETTLE_MAX=${JIT_SETTLE_MAX:-60} settle_chunk=2
fi
CONNECTIONS=${CONNECTIONS:-16}
OUTAGE_RATE=${OUTAGE_RATE:-500}
OUTAGE_CONNECTIONS=10
FIXED_RATE=${FIXED_RATE:-1000}
SKIP_OUTAGE=${SKIP_OUTAGE:-0}
ATTACK_RATE=${ATTACK_RATE:-200}
ATTACK_CONNECTIONS=${ATTACK_CONNECTIONS:-16}
SKIP_ATTACK=${SKIP_ATTACK:-0}
ATTACK_ONLY=${ATTACK_ONLY:-0}
if [ "$ATTACK_ONLY" = 1 ]; then
  ROUNDS=0 STARTUP_RUNS=0 SKIP_OUTAGE=1 SKIP_ATTACK=0
fi
OUT=${OUT:-artifacts/perf}
SERVICE_NAME=sigcerh-loadservice

for tool in wrk curl dotnet; do
  command -v "$tool" >/dev/null 2>&1 || { echo "run-load: $tool is missing (tests/install-deps.sh installs it)" >&2; exit 1; }
done

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
work=$(mktemp -d /tmp/sigcerh-load.XXXXXX)
results="$OUT/results.tsv"
: >"$results"
pids=()
pg_bin=""
pg_data="$work/pg/data"

log() { printf '[run-load %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cleanup() {
  local p
  for p in "${pids[@]}"; do
    kill "$p" 2>/dev/null || true
  done
  if [ -n "$pg_bin" ] && [ -f "$pg_data/postmaster.pid" ]; then
    as_postgres "$pg_bin/pg_ctl" -D "$pg_data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  local p
  while :; do
    # Below Linux's ephemeral range (32768+), so outgoing connections never hold the port we pick.
    p=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
}

loadavg() { cut -d' ' -f1 /proc/loadavg; }

# utime + stime of a process, in microseconds.
cpu_us() {
  local ticks
  ticks=$(sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}')
  echo $((ticks * 1000000 / $(getconf CLK_TCK)))
}

# "tid ticks" (utime + stime, clock ticks) of each of the service's tiered-compilation background workers (".NET Tiered
# Compilation Worker", cut to 15 characters by the kernel); nothing when none is running, as the worker exits when idle.
jit_threads() {
  local task comm stat
  local -a f
  for task in "/proc/$1/task/"*; do
    # A thread can end between the glob and the read: skip it.
    read -r comm 2>/dev/null <"$task/comm" || continue
    [[ $comm == ".NET Tiered"* ]] || continue
    read -r stat 2>/dev/null <"$task/stat" || continue
    read -r -a f <<<"${stat##*) }"
    echo "${task##*/} $((f[11] + f[12]))"
  done
}

# Microseconds of JIT-worker CPU between two jit_threads snapshots: a thread that continued counts its increase, a new one
# all its time. A worker that exited in between takes its last stretch with it, so this is a lower bound.
jit_spent_us() {
  awk -v hz="$(getconf CLK_TCK)" 'NR == FNR { if (NF == 2) before[$1] = $2; next }
    NF == 2 { d = $2 - ($1 in before ? before[$1] : 0); if (d > 0) s += d }
    END { printf "%d\n", s * 1000000 / hz }' <(printf '%s\n' "$1") <(printf '%s\n' "$2")
}

# After the fixed warm-up, the sigcerh and peer builds keep tier-1 compiling for tens of seconds under load; counted in the
# measured window, that CPU would read as a per-request cost. Warms up in chunks (saturated, every given endpoint) until a
# chunk passes with no JIT-worker CPU, or JIT_SETTLE_MAX seconds. Sets settle_s and settle_capped.
settle_jit() {
  local connections=$1 endpoint snap0 snap1
  shift
  settle_s=0 settle_capped=0
  snap0=$(jit_threads "$svc_pid")
  while [ "$settle_s" -lt "$JIT_SETTLE_MAX" ]; do
    for endpoint in "$@"; do
      wrk -t1 -c"$connections" -d"${settle_chunk}s" "http://127.0.0.1:$svc_port/$endpoint" >/dev/null
      settle_s=$((settle_s + settle_chunk))
    done
    snap1=$(jit_threads "$svc_pid")
    [ "$(jit_spent_us "$snap0" "$snap1")" -eq 0 ] && return 0
    snap0=$snap1
  done
  # Off (JIT_SETTLE_MAX=0) is not a cap that was hit.
  [ "$JIT_SETTLE_MAX" -gt 0 ] && settle_capped=1
  return 0
}

settle_note() {
  if [ "$JIT_SETTLE_MAX" -le 0 ]; then
    echo "JIT settle off"
  elif [ "$settle_capped" = 1 ]; then
    echo "JIT still compiling after ${settle_s}s of extra warm-up (JIT_SETTLE_MAX)"
  else
    echo "JIT quiet after ${settle_s}s of extra warm-up"
  fi
}

status_kib() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }

allocated() { curl -sf "http://127.0.0.1:$1/stats" | jq -r '.allocated'; }

wait_http() {
  local url=$1 seconds=$2 i
  for ((i = 0; i < seconds * 20; i++)); do
    curl -sf -o /dev/null "$url" && return 0
    sleep 0.05
  done
  echo "run-load: $url did not answer within ${seconds}s" >&2
  return 1
}

# Prints: rps p50_ms p99_ms requests errors
parse_wrk() {
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    / requests in / { req = $1 }
    /^Requests\/sec:/ { rps = $2 }
    /Non-2xx or 3xx responses:/ { err += $NF }
    /Socket errors:/ { gsub(/,/, ""); err += $4 + $6 + $8 + $10 }
    END { printf "%s\t%.3f\t%.3f\t%s\t%d\n", rps, p50, p99, req, err }'
}

# --- build -----------------------------------------------------------------------------------------------------------
project=tests/Sigcerh.Telemetry.Benchmarks/LoadService/Sigcerh.Telemetry.LoadService.csproj
if [ "${READY_TO_RUN:-0}" = 1 ]; then
  # What a Dockerfile's `dotnet publish -p:PublishReadyToRun=true` ships: precompiled code for every assembly.
  log "publishing the load service with ReadyToRun"
  dotnet publish "$project" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$work/publish" \
    -nologo -clp:ErrorsOnly >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
  dll="$work/publish/Sigcerh.Telemetry.LoadService.dll"
else
  log "building the load service (Release)"
  dotnet build "$project" -c Release -nologo -clp:ErrorsOnly >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
  dll=$(dotnet msbuild "$project" -p:Configuration=Release -getProperty:TargetPath)
fi
[ -f "$dll" ] || { echo "run-load: built service not found at $dll" >&2; exit 1; }

# --- PostgreSQL 15 -----------------------------------------------------------------------------------------------------
pg_bin=$(find /usr/lib/postgresql -maxdepth 3 -name initdb -path '*/bin/*' 2>/dev/null | sort -V | tail -n 1 | xargs -r dirname)
[ -n "$pg_bin" ] || { echo "run-load: PostgreSQL server binaries not found (install Debian's postgresql)" >&2; exit 1; }
pg_port=$(free_port)
mkdir -p "$work/pg"
if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$work/pg"; chmod 755 "$work"; fi
log "starting PostgreSQL ($pg_bin) on port $pg_port"
as_postgres "$pg_bin/initdb" -D "$pg_data" -U postgres -A trust --no-sync -E UTF8 --locale=C >"$work/initdb.log" 2>&1
as_postgres "$pg_bin/pg_ctl" start -D "$pg_data" -l "$work/pg/server.log" -w -t 60 \
  -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" >/dev/null
"$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -q -v ON_ERROR_STOP=1 -c "
  create table expediente (id int primary key, codigo text not null, estado text not null);
  insert into expediente select g, 'EXP-' || lpad(g::text, 7, '0'), (array['recibido','en_revision','emitido'])[1 + g % 3]
  from generate_series(1, 10000) g;
  analyze expediente;" >/dev/null
export LOAD_PG="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres;Maximum Pool Size=64"

# --- OTLP receiver -----------------------------------------------------------------------------------------------------
dash_exe="${NUGET_PACKAGES:-$HOME/.nuget/packages}/aspire.dashboard.sdk.linux-x64/13.6.5/tools/Aspire.Dashboard"
[ -x "$dash_exe" ] || { echo "run-load: Aspire dashboard not found at $dash_exe (restore tests/Sigcerh.Testing)" >&2; exit 1; }
dash_ui=$(free_port) dash_grpc=$(free_port) dash_http=$(free_port)
dash_pid=""
start_dashboard() {
  (cd "$(dirname "$dash_exe")" && exec env ASPNETCORE_URLS="http://127.0.0.1:$dash_ui" \
    ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="http://127.0.0.1:$dash_grpc" \
    ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL="http://127.0.0.1:$dash_http" \
    ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true DOTNET_CLI_TELEMETRY_OPTOUT=1 "$dash_exe") >>"$work/dashboard.log" 2>&1 &
  dash_pid=$!
  pids+=("$dash_pid")
  wait_http "http://127.0.0.1:$dash_ui/api/telemetry/resources" 60
}
stop_dashboard() {
  kill "$dash_pid" 2>/dev/null || true
  wait "$dash_pid" 2>/dev/null || true
}
log "starting the Aspire dashboard as OTLP receiver (gRPC $dash_grpc)"
start_dashboard

# --- the service -------------------------------------------------------------------------------------------------------
svc_pid="" svc_port=""
start_service() {
  local build=$1
  svc_port=$(free_port)
  mkdir -p "$work/logs-$build"
  local spin=()
  if [ "${NO_SPIN:-0}" = 1 ]; then
    spin=(DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0)
  fi
  env "${spin[@]}" ASPNETCORE_URLS="http://127.0.0.1:$svc_port" LOAD_LOG_DIR="$work/logs-$build" \
    OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$dash_grpc" OTEL_SERVICE_NAME="$SERVICE_NAME" \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 dotnet "$dll" "$build" >/dev/null 2>"$work/service-$build.err" &
  svc_pid=$!
  pids+=("$svc_pid")
}
# Starts the service and waits for its first 200; retries on a new port if another process took ours meanwhile.
start_ready() {
  local build=$1 attempt i
  for attempt in 1 2 3; do
    start_service "$build"
    for ((i = 0; i < 1200; i++)); do
      curl -sf -o /dev/null "http://127.0.0.1:$svc_port/trivial" && return 0
      kill -0 "$svc_pid" 2>/dev/null || break
      sleep 0.05
    done
    stop_service
    if [ "$attempt" -lt 3 ] && grep -q "address already in use" "$work/service-$build.err"; then
      continue
    fi
    cat "$work/service-$build.err" >&2
    echo "run-load: the $build service did not start" >&2
    exit 1
  done
}
stop_service() {
  kill "$svc_pid" 2>/dev/null || true
  wait "$svc_pid" 2>/dev/null || true
}

meta() { printf 'meta\t%s\t%s\n' "$1" "$2" >>"$results"; }
meta machine "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1), $(uname -sr)"
meta versions ".NET $(dotnet --version) SDK, $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2), PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}'), Aspire dashboard 13.6.5"
meta settings "ready_to_run=${READY_TO_RUN:-0} rounds=$ROUNDS duration=${DURATION}s warmup=${WARMUP}s jit_settle_max=${JIT_SETTLE_MAX}s (chunks of ${settle_chunk}s per endpoint) connections=$CONNECTIONS (wrk -t1), fixed rate ${FIXED_RATE} req/s, no_spin=${NO_SPIN:-0}, outage=${OUTAGE_SECONDS}s at ${OUTAGE_RATE} req/s"
meta started "$(date -u +%FT%TZ) load average $(cut -d' ' -f1-3 /proc/loadavg)"

# --- throughput, latency, CPU, allocation, RSS: interleaved rounds -----------------------------------------------------
builds=(bare floor peer sigcerh)
for ((round = 1; round <= ROUNDS; round++)); do
  for ((k = 0; k < ${#builds[@]}; k++)); do
    build=${builds[$(((round - 1 + k) % ${#builds[@]}))]}
    # A fresh, empty receiver for every build: the Aspire dashboard keeps everything in memory and slows down as it
    # fills, which would penalize whichever exporting build runs later.
    stop_dashboard
    start_dashboard
    start_ready "$build"
    for endpoint in trivial realistic; do
      wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:$svc_port/$endpoint" >/dev/null
    done
    settle_jit "$CONNECTIONS" trivial realistic
    log "round $round $build: $(settle_note)"
    jit0=$(jit_threads "$svc_pid")
    for endpoint in trivial realistic; do
      echo 5 >"/proc/$svc_pid/clear_refs" 2>/dev/null || true # resets the peak RSS (VmHWM)
      a0=$(allocated "$svc_port")
      c0=$(cpu_us "$svc_pid")
      r0=$(cpu_us "$dash_pid")
      wrk_out=$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$svc_port/$endpoint")
      c1=$(cpu_us "$svc_pid")
      r1=$(cpu_us "$dash_pid")
      stats=$(curl -sf "http://127.0.0.1:$svc_port/stats")
      a1=$(jq -r .allocated <<<"$stats")
      # Telemetry the package dropped so far in this process (zero for bare and peer, which do not count it).
      dropped=$(jq -r '.droppedLogs + .droppedTraces' <<<"$stats")
      hwm=$(status_kib "$svc_pid" VmHWM)
      IFS=$'\t' read -r rps p50 p99 requests errors < <(parse_wrk <<<"$wrk_out")
      # The two /stats calls are part of the counted window; they are negligible against thousands of requests.
      awk -v b="$build" -v e="$endpoint" -v r="$round" -v rps="$rps" -v p50="$p50" -v p99="$p99" -v req="$requests" \
        -v err="$errors" -v c="$((c1 - c0))" -v a="$((a1 - a0))" -v hwm="$hwm" -v la="$(loadavg)" -v rc="$((r1 - r0))" -v dr="$dropped" \
        'BEGIN { printf "load\t%s\t%s\t%s\t%s\t%s\t%s\t%.2f\t%.0f\t%.1f\t%s\t%s\t%s\t%.2f\t%s\n", b, e, r, rps, p50, p99, c / req, a / req, hwm / 1024, req, err, la, rc / req, dr }' >>"$results"
      log "round $round $build /$endpoint: $rps req/s, p99 ${p99} ms, load $(loadavg)"
    done
    # The same service at a fixed, unsaturated rate: the load SIGCERH really sees. Per-request costs that batching hides
    # at saturation (waking a background thread per event, say) show here.
    if [ "$FIXED_RATE" -gt 0 ]; then
      for endpoint in trivial realistic; do
        a0=$(allocated "$svc_port")
        c0=$(cpu_us "$svc_pid")
        r0=$(cpu_us "$dash_pid")
        wrk_out=$(WRK_DELAY_MS=$((OUTAGE_CONNECTIONS * 1000 / FIXED_RATE)) wrk -t1 -c"$OUTAGE_CONNECTIONS" -d"${DURATION}s" --latency \
          -s tests/Sigcerh.Telemetry.Benchmarks/load/fixed-rate.lua "http://127.0.0.1:$svc_port/$endpoint")
        c1=$(cpu_us "$svc_pid")
        r1=$(cpu_us "$dash_pid")
        a1=$(allocated "$svc_port")
        IFS=$'\t' read -r rps p50 p99 requests errors < <(parse_wrk <<<"$wrk_out")
        awk -v b="$build" -v e="$endpoint" -v r="$round" -v rps="$rps" -v p50="$p50" -v p99="$p99" -v req="$requests" \
          -v err="$errors" -v c="$((c1 - c0))" -v a="$((a1 - a0))" -v la="$(loadavg)" -v rc="$((r1 - r0))" \
          'BEGIN { printf "fixed\t%s\t%s\t%s\t%s\t%s\t%s\t%.2f\t%.0f\t%s\t%s\t%s\t%.2f\n", b, e, r, rps, p50, p99, c / req, a / req, req, err, la, rc / req }' >>"$results"
        log "round $round $build /$endpoint at ${FIXED_RATE} req/s: $rps req/s, p99 ${p99} ms, load $(loadavg)"
      done
    fi
    # JIT-worker CPU left inside the measured runs (saturated and fixed rate): near zero when the settle did its job.
    jit_ms=$(($(jit_spent_us "$jit0" "$(jit_threads "$svc_pid")") / 1000))
    printf 'settle\t%s\t%s\t%s\t%s\t%s\n' "$build" "$round" "$settle_s" "$settle_capped" "$jit_ms" >>"$results"
    stop_service
  done
done

# --- under attack: a flood of hostile paths while a normal endpoint is measured at a fixed rate --------------------------
# The flood is what anyone can send to a public site: GETs whose path is about 8 KB of 8-digit numbers (each a DNI
# candidate for the redactor), just under Kestrel's 8 KB request-line limit. A control flood of the same length without
# digits tells the cost of any 8 KB request from the cost of redacting one. /realistic keeps its fixed rate throughout;
# its p99 and throughput under each flood are compared with the same run without one.
if [ "$SKIP_ATTACK" != 1 ]; then
  hostile_path=$(awk 'BEGIN { for (i = 0; i < 900; i++) printf "/%d", 10000000 + (i * 7919) % 89999999 }')
  control_path=$(awk 'BEGIN { for (i = 0; i < 900; i++) printf "/abcdefgh" }')
  attack_delay=$((OUTAGE_CONNECTIONS * 1000 / ATTACK_RATE))
  stop_dashboard
  start_dashboard
  start_ready sigcerh
  wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:$svc_port/realistic" >/dev/null
  wrk -t1 -c"$ATTACK_CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:$svc_port$hostile_path" >/dev/null
  settle_jit "$CONNECTIONS" realistic
  log "attack: $(settle_note)"
  for flood in none control hostile; do
    flood_pid=""
    if [ "$flood" != none ]; then
      path=$control_path
      [ "$flood" = hostile ] && path=$hostile_path
      # Runs a second longer than the measurement on both ends, so the whole measured window is under flood.
      wrk -t1 -c"$ATTACK_CONNECTIONS" -d"$((DURATION + 2))s" "http://127.0.0.1:$svc_port$path" >"$work/flood-$flood.txt" &
      flood_pid=$!
      pids+=("$flood_pid")
      sleep 1
    fi
    c0=$(cpu_us "$svc_pid")
    wrk_out=$(WRK_DELAY_MS=$attack_delay wrk -t1 -c"$OUTAGE_CONNECTIONS" -d"${DURATION}s" --latency \
      -s tests/Sigcerh.Telemetry.Benchmarks/load/fixed-rate.lua "http://127.0.0.1:$svc_port/realistic")
    c1=$(cpu_us "$svc_pid")
    flood_rps=0
    if [ -n "$flood_pid" ]; then
      wait "$flood_pid" || true
      flood_rps=$(parse_wrk <"$work/flood-$flood.txt" | cut -f1)
    fi
    IFS=$'\t' read -r rps p50 p99 requests errors < <(parse_wrk <<<"$wrk_out")
    printf 'attack\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$flood" "$rps" "$p50" "$p99" "$requests" "$errors" "$flood_rps" \
      "$(((c1 - c0) / DURATION / 1000))" "$(loadavg)" >>"$results"
    log "attack ($flood flood at $flood_rps req/s): /realistic $rps req/s, p99 $p99 ms, load $(loadavg)"
  done
  stop_service
fi

# --- startup: time to the first successful response --------------------------------------------------------------------
for ((round = 1; round <= STARTUP_RUNS; round++)); do
  for build in "${builds[@]}"; do
    for attempt in 1 2 3; do
      t0=$(date +%s%N)
      start_service "$build"
      while ! curl -sf -o /dev/null "http://127.0.0.1:$svc_port/trivial"; do
        kill -0 "$svc_pid" 2>/dev/null && { sleep 0.005; continue; }
        # Another process on this machine took the port between our check and the bind: try again on a new port.
        if [ "$attempt" -lt 3 ] && grep -q "address already in use" "$work/service-$build.err"; then
          continue 2
        fi
        cat "$work/service-$build.err" >&2
        exit 1
      done
      break
    done
    t1=$(date +%s%N)
    stop_service
    printf 'startup\t%s\t%s\t%s\t%s\n' "$build" "$round" "$(((t1 - t0) / 1000000))" "$(loadavg)" >>"$results"
    log "startup $build: $(((t1 - t0) / 1000000)) ms"
  done
done

# --- collector outage: fixed rate with the receiver up, then stopped -----------------------------------------------------
if [ "$SKIP_OUTAGE" != 1 ]; then
  delay_ms=$((OUTAGE_CONNECTIONS * 1000 / OUTAGE_RATE))
  for phase in up down; do
    if [ "$phase" = up ]; then
      stop_dashboard
      start_dashboard
    fi
    start_ready sigcerh
    wrk -t1 -c"$OUTAGE_CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:$svc_port/realistic" >/dev/null
    settle_jit "$OUTAGE_CONNECTIONS" realistic
    log "outage ($phase): $(settle_note)"
    if [ "$phase" = down ]; then
      stop_dashboard
    fi
    rss0=$(status_kib "$svc_pid" VmRSS)
    echo 5 >"/proc/$svc_pid/clear_refs" 2>/dev/null || true
    wrk_out=$(WRK_DELAY_MS=$delay_ms wrk -t1 -c"$OUTAGE_CONNECTIONS" -d"${OUTAGE_SECONDS}s" --latency \
      -s tests/Sigcerh.Telemetry.Benchmarks/load/fixed-rate.lua "http://127.0.0.1:$svc_port/realistic")
    hwm=$(status_kib "$svc_pid" VmHWM)
    rss1=$(status_kib "$svc_pid" VmRSS)
    stats=$(curl -sf "http://127.0.0.1:$svc_port/stats")
    IFS=$'\t' read -r rps p50 p99 requests errors < <(parse_wrk <<<"$wrk_out")
    printf 'outage\t%s\t%s\t%s\t%s\t%s\t%.1f\t%.1f\t%.1f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$phase" "$OUTAGE_SECONDS" "$rps" "$p50" "$p99" \
      "$(bc -l <<<"$rss0 / 1024")" "$(bc -l <<<"$hwm / 1024")" "$(bc -l <<<"$rss1 / 1024")" "$requests" "$errors" \
      "$(jq -r .droppedLogs <<<"$stats")" "$(jq -r .droppedTraces <<<"$stats")" "$(jq -r .droppedMetrics <<<"$stats")" "$(loadavg)" "$settle_s" >>"$results"
    log "outage ($phase): $rps req/s, p99 $p99 ms, RSS $((rss0 / 1024)) -> max $((hwm / 1024)) MiB"
    if [ "$phase" = down ]; then
      # The restarted dashboard starts empty: any resource of ours in it proves export resumed.
      start_dashboard
      t0=$(date +%s)
      resumed=-1
      for ((i = 0; i < 120; i++)); do
        curl -sf -o /dev/null "http://127.0.0.1:$svc_port/realistic" || true
        if curl -sf "http://127.0.0.1:$dash_ui/api/telemetry/resources" | grep -q "$SERVICE_NAME"; then
          resumed=$(($(date +%s) - t0))
          break
        fi
        sleep 0.5
      done
      printf 'resume\t%s\t%s\n' "$resumed" "$(loadavg)" >>"$results"
      log "export resumed after ${resumed}s"
    fi
    stop_service
  done
fi

# --- report and plot ---------------------------------------------------------------------------------------------------
meta finished "$(date -u +%FT%TZ) load average $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet "$dll" report "$results" "$OUT" >"$OUT/report.log"
cat "$OUT/results.md"
if [ "$smoke" = 0 ]; then
  if command -v chromium >/dev/null 2>&1; then
    timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
      --disable-component-update --disable-sync --user-data-dir="$work/chromium" --screenshot="$OUT/performance.png" \
      --window-size=1200,700 "file://$OUT/performance.svg" >/dev/null 2>&1
    log "plot: $OUT/performance.png"
    if [ "${PUBLISH:-0}" = 1 ]; then
      cp "$OUT/performance.png" docs/images/performance.png
    fi
  else
    log "chromium is missing: only the SVG plot was written"
  fi
fi

# A smoke run must have produced a number for every build and endpoint, with no failed request.
rows=$(awk -F'\t' '$1 == "load" && $5 > 0 && $12 == 0' "$results" | wc -l)
if [ "$SKIP_ATTACK" != 1 ] && [ "$(awk -F'\t' '$1 == "attack" && $3 > 0 && $7 == 0' "$results" | wc -l)" -ne 3 ]; then
  echo "run-load: expected 3 clean attack rows" >&2
  exit 1
fi
if [ "$rows" -lt $((ROUNDS * ${#builds[@]} * 2)) ]; then
  echo "run-load: expected $((ROUNDS * ${#builds[@]} * 2)) clean load rows, got $rows" >&2
  exit 1
fi
log "done: $results"
