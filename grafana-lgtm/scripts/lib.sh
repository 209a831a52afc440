#!/usr/bin/env bash
# Shared helpers for the SIGCERH maintenance scripts. Source it; do not run it.
#
# Every script logs one JSON object per line on stdout and appends the same line to
# SIGCERH_MAINT_LOG (default /var/log/sigcerh/maintenance.json), which the collector tails.
# Human-readable errors go to stderr.

# shellcheck disable=SC2034  # Variables here are used by the scripts that source this file.

SIGCERH_SCRIPT_NAME="${SIGCERH_SCRIPT_NAME:-$(basename "${0:-sigcerh}" .sh)}"

# Loads /etc/sigcerh/maintenance.env (KEY=value lines, optional quotes). Variables already set in the environment
# win, so "BACKUP_DIR=/mnt/usb backup-db.sh" works. The file is parsed, never executed. SIGCERH_ENV_FILE= disables it.
load_env_file() {
    local file=$1 line key value
    [[ -n $file && -r $file ]] || return 0
    while IFS= read -r line || [[ -n $line ]]; do
        [[ $line =~ ^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || continue
        key=${BASH_REMATCH[1]}
        value=${BASH_REMATCH[2]}
        value=${value%"${value##*[![:space:]]}"}
        if [[ $value =~ ^\"(.*)\"$ || $value =~ ^\'(.*)\'$ ]]; then
            value=${BASH_REMATCH[1]}
        fi
        if [[ -z ${!key+set} ]]; then
            export "$key=$value"
        fi
    done <"$file"
}
load_env_file "${SIGCERH_ENV_FILE-/etc/sigcerh/maintenance.env}"

SIGCERH_MAINT_LOG="${SIGCERH_MAINT_LOG:-/var/log/sigcerh/maintenance.json}"
SIGCERH_METRICS_DIR="${SIGCERH_METRICS_DIR:-/var/lib/sigcerh/metrics}"
# The collector's OTLP/HTTP port, published on the host's loopback by grafana-lgtm/compose.yaml. Set it to an empty
# value to disable the push (the textfile and the JSON log are always written).
SIGCERH_OTLP_HTTP_ENDPOINT="${SIGCERH_OTLP_HTTP_ENDPOINT-http://127.0.0.1:4318}"
SIGCERH_ENVIRONMENT="${SIGCERH_ENVIRONMENT:-production}"
SIGCERH_LOCK_DIR="${SIGCERH_LOCK_DIR:-/run/lock}"

# Exit codes shared by all scripts (documented in docs/backups.md).
readonly EXIT_FAILED=1        # the task ran and failed
readonly EXIT_CONFIG=2        # bad configuration or input (missing password, bad flag)
readonly EXIT_LOCKED=3        # another run holds the lock
readonly EXIT_NO_SPACE=4      # not enough disk space

# JSON-escapes a string (quotes, backslashes and control characters).
json_escape() {
    local s=$1
    s=${s//\\/\\\\}
    s=${s//\"/\\\"}
    s=${s//$'\n'/\\n}
    s=${s//$'\r'/\\r}
    s=${s//$'\t'/\\t}
    # Any other control character becomes a space.
    s=${s//[$'\001'-$'\037']/ }
    printf '%s' "$s"
}

# Current time as epoch seconds. SIGCERH_NOW (or BACKUP_NOW), an ISO-8601 instant, fakes the clock for tests.
now_epoch() {
    local fake="${SIGCERH_NOW:-${BACKUP_NOW:-}}"
    if [[ -n $fake ]]; then
        date -u -d "$fake" +%s
    else
        date -u +%s
    fi
}

# ISO-8601 UTC timestamp for an epoch.
iso_time() {
    local epoch=$1
    date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ
}

# Wall-clock seconds with microseconds, for durations (never faked).
monotonic_now() {
    printf '%s' "${EPOCHREALTIME/,/.}"
}

# Seconds elapsed since a monotonic_now() value, with 3 decimals.
elapsed_since() {
    local start=$1 now
    now=$(monotonic_now)
    awk -v a="$start" -v b="$now" 'BEGIN { printf "%.3f", b - a }'
}

# log_json LEVEL EVENT [key=value ...]
# Numbers are written as JSON numbers, everything else as strings.
log_json() {
    local level=$1 event=$2
    shift 2
    local line kv key value
    line="{\"ts\":\"$(iso_time "$(now_epoch)")\",\"level\":\"$level\",\"service\":\"sigcerh-maintenance\",\"script\":\"$SIGCERH_SCRIPT_NAME\",\"event\":\"$(json_escape "$event")\""
    for kv in "$@"; do
        key=${kv%%=*}
        value=${kv#*=}
        if [[ $value =~ ^-?[0-9]+(\.[0-9]+)?$ ]]; then
            line+=",\"$(json_escape "$key")\":$value"
        else
            line+=",\"$(json_escape "$key")\":\"$(json_escape "$value")\""
        fi
    done
    line+="}"
    printf '%s\n' "$line"
    push_otlp_log "$level" "$event" "$line"
    if [[ -n $SIGCERH_MAINT_LOG ]]; then
        if ! { mkdir -p "$(dirname "$SIGCERH_MAINT_LOG")" && printf '%s\n' "$line" >>"$SIGCERH_MAINT_LOG"; } 2>/dev/null; then
            printf '%s: WARNING: cannot append to log file %s\n' "$SIGCERH_SCRIPT_NAME" "$SIGCERH_MAINT_LOG" >&2
        fi
    fi
}

# Prints a human-readable error on stderr.
err() {
    printf '%s: ERROR: %s\n' "$SIGCERH_SCRIPT_NAME" "$*" >&2
}

info() {
    printf '%s: %s\n' "$SIGCERH_SCRIPT_NAME" "$*" >&2
}

# Takes an exclusive, non-blocking lock on fd 9. Exits EXIT_LOCKED when another run holds it.
acquire_lock() {
    local name=$1 file
    file="$SIGCERH_LOCK_DIR/sigcerh-$name.lock"
    mkdir -p "$SIGCERH_LOCK_DIR"
    exec 9>>"$file"
    if ! flock -n 9; then
        err "another $name run is in progress (lock $file is held); nothing was changed"
        log_json error "$name.locked" outcome=locked lock_file="$file"
        exit "$EXIT_LOCKED"
    fi
}

# write_prom_file NAME CONTENT: writes SIGCERH_METRICS_DIR/NAME.prom atomically (temp file + rename).
write_prom_file() {
    local name=$1 content=$2 target tmp
    target="$SIGCERH_METRICS_DIR/$name.prom"
    if ! mkdir -p "$SIGCERH_METRICS_DIR" 2>/dev/null; then
        err "cannot create metrics folder $SIGCERH_METRICS_DIR"
        return 1
    fi
    tmp=$(mktemp "$SIGCERH_METRICS_DIR/.$name.prom.XXXXXX") || { err "cannot write in $SIGCERH_METRICS_DIR"; return 1; }
    if printf '%s' "$content" >"$tmp" && chmod 0644 "$tmp" && mv -f "$tmp" "$target"; then
        return 0
    fi
    rm -f "$tmp"
    err "cannot write metrics file $target"
    return 1
}

# Reads one metric's value from an existing .prom file (empty when absent).
read_prom_value() {
    local name=$1 metric=$2 file
    file="$SIGCERH_METRICS_DIR/$name.prom"
    [[ -r $file ]] || return 0
    awk -v m="$metric" '$1 == m { print $2; exit }' "$file"
}

# The OTLP resource of the maintenance scripts (service.name sigcerh-maintenance), as JSON.
otlp_resource_json() {
    local host
    host=$(hostname 2>/dev/null || echo unknown)
    printf '{"attributes":['
    printf '{"key":"service.name","value":{"stringValue":"sigcerh-maintenance"}},'
    printf '{"key":"service.namespace","value":{"stringValue":"sigcerh"}},'
    printf '{"key":"service.instance.id","value":{"stringValue":"%s"}},' "$(json_escape "$host")"
    printf '{"key":"deployment.environment.name","value":{"stringValue":"%s"}},' "$(json_escape "$SIGCERH_ENVIRONMENT")"
    printf '{"key":"host.name","value":{"stringValue":"%s"}}]}' "$(json_escape "$host")"
}

# push_otlp_log LEVEL EVENT LINE: sends one log record (body = the JSON line) to SIGCERH_OTLP_HTTP_ENDPOINT/v1/logs,
# so Loki gets the outcome even where the collector does not tail the maintenance log file. Best effort.
push_otlp_log() {
    [[ -n $SIGCERH_OTLP_HTTP_ENDPOINT ]] || return 0
    command -v curl >/dev/null 2>&1 || return 0
    local level=$1 event=$2 line=$3 sev_text sev_num body
    case $level in
    error) sev_text=ERROR sev_num=17 ;;
    warn) sev_text=WARN sev_num=13 ;;
    *) sev_text=INFO sev_num=9 ;;
    esac
    body="{\"resourceLogs\":[{\"resource\":$(otlp_resource_json),\"scopeLogs\":[{\"scope\":{\"name\":\"sigcerh-maintenance\"},\"logRecords\":[{"
    body+="\"timeUnixNano\":\"$(now_epoch)000000000\",\"severityText\":\"$sev_text\",\"severityNumber\":$sev_num,"
    body+="\"body\":{\"stringValue\":\"$(json_escape "$line")\"},"
    body+="\"attributes\":[{\"key\":\"event\",\"value\":{\"stringValue\":\"$(json_escape "$event")\"}},"
    body+="{\"key\":\"script\",\"value\":{\"stringValue\":\"$SIGCERH_SCRIPT_NAME\"}}]}]}]}]}"
    curl -fsS --max-time 5 -H 'Content-Type: application/json' --data-binary "$body" -o /dev/null \
        "${SIGCERH_OTLP_HTTP_ENDPOINT%/}/v1/logs" 2>/dev/null || true
}

# push_otlp_gauges "name value" ...: sends gauges as OTLP/HTTP JSON to SIGCERH_OTLP_HTTP_ENDPOINT/v1/metrics.
# Optional: a failed push is logged as a warning and never fails the caller.
push_otlp_gauges() {
    [[ -n $SIGCERH_OTLP_HTTP_ENDPOINT ]] || return 0
    if ! command -v curl >/dev/null 2>&1; then
        info "WARNING: curl not found; skipping the OTLP push"
        return 0
    fi
    local ts_nano metrics="" pair name value sep=""
    ts_nano="$(now_epoch)000000000"
    for pair in "$@"; do
        name=${pair%% *}
        value=${pair#* }
        metrics+="$sep{\"name\":\"$name\",\"gauge\":{\"dataPoints\":[{\"timeUnixNano\":\"$ts_nano\",\"asDouble\":$value}]}}"
        sep=","
    done
    local body
    body="{\"resourceMetrics\":[{\"resource\":$(otlp_resource_json),\"scopeMetrics\":[{\"scope\":{\"name\":\"sigcerh-maintenance\"},\"metrics\":[$metrics]}]}]}"
    local url="${SIGCERH_OTLP_HTTP_ENDPOINT%/}/v1/metrics"
    if ! curl -fsS --max-time 10 -H 'Content-Type: application/json' --data-binary "$body" -o /dev/null "$url" 2>/dev/null; then
        info "WARNING: OTLP push to $url failed; the textfile metrics are still written"
        log_json warn "otlp.push_failed" url="$url"
    fi
}

# Resolves a PostgreSQL client binary: PG_BIN_DIR first, then PATH.
pg_tool() {
    local tool=$1
    if [[ -n ${PG_BIN_DIR:-} ]]; then
        if [[ -x "$PG_BIN_DIR/$tool" ]]; then
            printf '%s' "$PG_BIN_DIR/$tool"
            return 0
        fi
        err "$tool not found in PG_BIN_DIR=$PG_BIN_DIR"
        return 1
    fi
    if command -v "$tool" >/dev/null 2>&1; then
        command -v "$tool"
        return 0
    fi
    err "$tool not found; install postgresql-client or set PG_BIN_DIR"
    return 1
}

# Checks that a password source exists: PGPASSWORD, or a readable PGPASSFILE (default ~/.pgpass).
require_pg_password() {
    if [[ -n ${PGPASSWORD:-} ]]; then
        return 0
    fi
    local passfile="${PGPASSFILE:-${HOME:-/root}/.pgpass}"
    if [[ -r $passfile && -s $passfile ]]; then
        return 0
    fi
    err "no database password: set PGPASSWORD or PGPASSFILE (checked '$passfile') in /etc/sigcerh/maintenance.env"
    return 1
}

# Free bytes on the filesystem that holds PATH.
free_bytes() {
    local kb
    kb=$(df -Pk -- "$1" | awk 'NR == 2 { print $4 }')
    printf '%s' "$((kb * 1024))"
}

# Human-readable bytes.
human_bytes() {
    awk -v b="$1" 'BEGIN { split("B KiB MiB GiB TiB", u, " "); i = 1; while (b >= 1024 && i < 5) { b /= 1024; i++ } printf "%.1f %s", b, u[i] }'
}

# SQL that lists "schema.table|exact row count" for every ordinary user table, sorted. Tables owned by extensions
# are skipped because pg_dump does not dump their data. Used by backup-db.sh (manifest) and restore-test.sh (check).
row_count_sql() {
    cat <<'SQL'
SELECT format('%s.%s', n.nspname, c.relname),
       (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM ONLY %I.%I', n.nspname, c.relname), false, true, '')))[1]::text
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind = 'r'
   AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
 ORDER BY 1;
SQL
}
