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

# Unset means the documented default; an empty value means "no log file" (stdout only).
SIGCERH_MAINT_LOG="${SIGCERH_MAINT_LOG-/var/log/sigcerh/maintenance.json}"
# The metrics folder cannot be switched off: every outcome must reach the alerts (checked in require_metrics_dir).
SIGCERH_METRICS_DIR="${SIGCERH_METRICS_DIR-/var/lib/sigcerh/metrics}"
# The collector's OTLP/HTTP port, published on the host's loopback by grafana-lgtm/compose.yaml. Set it to an empty
# value to disable the push (the textfile and the JSON log are always written).
SIGCERH_OTLP_HTTP_ENDPOINT="${SIGCERH_OTLP_HTTP_ENDPOINT-http://127.0.0.1:4318}"
SIGCERH_ENVIRONMENT="${SIGCERH_ENVIRONMENT-production}"
SIGCERH_LOCK_DIR="${SIGCERH_LOCK_DIR-/run/lock}"

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

# The script's own stderr, kept on fd 7: a trap that runs while a function's stderr is redirected to a file
# (e.g. a signal during "target_restore 2>file") still reaches the operator.
exec 7>&2

# Prints a human-readable error on stderr.
err() {
    printf '%s: ERROR: %s\n' "$SIGCERH_SCRIPT_NAME" "$*" >&7
}

info() {
    printf '%s: %s\n' "$SIGCERH_SCRIPT_NAME" "$*" >&7
}

# Takes an exclusive, non-blocking lock on fd 9. Exits EXIT_LOCKED when another run holds it. A script that defines
# on_lock_held gets it called first, so a run that finds the lock held (a stuck earlier run) is recorded where the
# alerts see it instead of exiting silently.
acquire_lock() {
    local name=$1 file
    file="$SIGCERH_LOCK_DIR/sigcerh-$name.lock"
    mkdir -p "$SIGCERH_LOCK_DIR"
    exec 9>>"$file"
    if ! flock -n 9; then
        err "another $name run is in progress (lock $file is held); nothing was changed"
        log_json error "$name.locked" outcome=locked lock_file="$file"
        if declare -F on_lock_held >/dev/null; then
            on_lock_held "$file"
        fi
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
    local ts_nano metrics="" pair name value attr attrs sep=""
    ts_nano="$(now_epoch)000000000"
    for pair in "$@"; do
        # "name value" or "name value key=text" (one attribute, which Prometheus shows as a label).
        read -r name value attr <<<"$pair"
        attrs=""
        if [[ -n $attr ]]; then
            attrs=",\"attributes\":[{\"key\":\"$(json_escape "${attr%%=*}")\",\"value\":{\"stringValue\":\"$(json_escape "${attr#*=}")\"}}]"
        fi
        metrics+="$sep{\"name\":\"$name\",\"gauge\":{\"dataPoints\":[{\"timeUnixNano\":\"$ts_nano\",\"asDouble\":$value$attrs}]}}"
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

# SQL that lists "exact row count|schema.table" for every ordinary user table, the name quoted as an identifier
# (format('%I.%I'): spaces, quotes, accents and upper case survive; backslash, CR and LF escaped so it stays on one
# line), sorted. Tables owned by extensions are skipped because pg_dump does not dump their data. Used by backup-db.sh
# (manifest, inside the dump's snapshot) and restore-test.sh (check of the restored copy).
row_count_sql() {
    cat <<'SQL'
SELECT (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM ONLY %I.%I', n.nspname, c.relname), false, true, '')))[1]::text,
       replace(replace(replace(format('%I.%I', n.nspname, c.relname), E'\\', E'\\\\'), E'\n', E'\\n'), E'\r', E'\\r')
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind = 'r'
   AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
 ORDER BY 2;
SQL
}

# --- settings -------------------------------------------------------------------------------------------------------
# Every setting is read with ${VAR-default}: UNSET means the documented default, EMPTY means "skip this step" (lists)
# or is an error (numbers, paths). The setting_* helpers collect problems in SETTING_ERRORS; the script calls
# settings_ok before doing anything, so a bad value exits non-zero with nothing done.
SETTING_ERRORS=()

# setting_int NAME DEFAULT MIN MAX: decimal digits only; leading zeros are read in base 10 ("08" is 8).
setting_int() {
    local name=$1 def=$2 min=$3 max=$4 raw value
    raw=${!name-$def}
    if [[ ! $raw =~ ^[0-9]{1,9}$ ]]; then
        SETTING_ERRORS+=("$name='$raw' is not a whole number (decimal digits only)")
        printf -v "$name" '%s' "$def"
        return 0
    fi
    value=$((10#$raw))
    if ((value < min || value > max)); then
        SETTING_ERRORS+=("$name='$raw' is out of range (allowed $min to $max)")
    fi
    printf -v "$name" '%s' "$value"
}

# setting_path NAME DEFAULT: an absolute path, never empty, no control characters.
setting_path() {
    local name=$1 def=$2 raw
    raw=${!name-$def}
    if [[ -z $raw ]]; then
        SETTING_ERRORS+=("$name='' is empty (unset it to use the default '$def')")
    elif [[ $raw != /* ]]; then
        SETTING_ERRORS+=("$name='$raw' is not an absolute path")
    elif [[ $raw == *[[:cntrl:]]* ]]; then
        SETTING_ERRORS+=("$name='$raw' contains control characters")
    fi
    printf -v "$name" '%s' "$raw"
}

# setting_text NAME DEFAULT: any non-empty value without control characters.
setting_text() {
    local name=$1 def=$2 raw
    raw=${!name-$def}
    if [[ -z $raw ]]; then
        SETTING_ERRORS+=("$name='' is empty (unset it to use the default '$def')")
    elif [[ $raw == *[[:cntrl:]]* ]]; then
        SETTING_ERRORS+=("$name='$raw' contains control characters")
    fi
    printf -v "$name" '%s' "$raw"
}

# setting_list NAME DEFAULT ARRAY: splits on any whitespace (spaces, tabs, newlines) into ARRAY. An empty value gives
# an empty array; the caller logs the skipped step with log_skipped.
setting_list() {
    local name=$1 def=$2 raw
    local -n out=$3
    raw=${!name-$def}
    out=()
    if [[ $raw =~ [^[:print:][:space:]] ]]; then
        SETTING_ERRORS+=("$name='$raw' contains control characters")
        return 0
    fi
    read -r -d '' -a out <<<"$raw" || true
}

# The PostgreSQL connection (exported for libpq) and the backup folder, shared by backup, restore test and sweep.
setting_postgres_and_backup_dir() {
    setting_text PGHOST 127.0.0.1
    setting_int PGPORT 5432 1 65535
    setting_text PGUSER postgres
    setting_text PGDATABASE sigcerh
    setting_int PGCONNECT_TIMEOUT 10 1 3600
    export PGHOST PGPORT PGUSER PGDATABASE PGCONNECT_TIMEOUT
    setting_path BACKUP_DIR /var/backups/sigcerh
}

# settings_ok: prints every collected problem; returns 1 when there was any.
settings_ok() {
    ((${#SETTING_ERRORS[@]} == 0)) && return 0
    local e
    for e in "${SETTING_ERRORS[@]}"; do
        err "invalid setting: $e"
    done
    # Also in the maintenance log (and Loki), so a cleanup that refused to run is visible there too.
    log_json error "$SIGCERH_SCRIPT_NAME.config_invalid" outcome=failure reason=config errors="${SETTING_ERRORS[*]}"
    return 1
}

# log_skipped STEP VAR: an empty list setting switches a step off; say so in the log.
log_skipped() {
    info "$2 is empty: step '$1' skipped (unset $2 to use its default)"
    log_json info "$SIGCERH_SCRIPT_NAME.step_skipped" step="$1" variable="$2" reason=empty_setting
}

# --- path safety ------------------------------------------------------------------------------------------------------
# Folders no cleanup ever runs in, and that can never be an allowed prefix, whatever their spelling.
SIGCERH_FORBIDDEN_DIRS=(/ /bin /boot /dev /etc /home /lib /lib32 /lib64 /libx32 /lost+found /media /mnt /opt /proc
    /root /run /sbin /snap /srv /sys /tmp /usr /var /var/backups /var/cache /var/lib /var/lib/docker /var/lib/postgresql
    /var/local /var/log /var/mail /var/opt /var/spool /var/tmp /opt/sigcerh /opt/sigcerh/app /opt/sigcerh/data
    /opt/sigcerh/data/uploads /opt/sigcerh/telemetry)

# canonical_path PATH: absolute path with ".", "..", "//" and symlinks resolved (the path need not exist).
canonical_path() {
    realpath -m -- "$1"
}

is_forbidden_dir() {
    local d
    for d in "${SIGCERH_FORBIDDEN_DIRS[@]}"; do
        [[ $1 == "$d" ]] && return 0
    done
    # Top-level folders (one component) are always refused.
    [[ $1 =~ ^/[^/]*$ ]]
}

# resolve_prefixes NAME ARRAY: canonical allowed prefixes from the list setting NAME (already split into ARRAY).
resolve_prefixes() {
    local name=$1 p canon
    local -n list=$2
    local resolved=()
    for p in "${list[@]}"; do
        if [[ $p != /* ]]; then
            SETTING_ERRORS+=("$name: '$p' is not an absolute path (value '${!name-}')")
            continue
        fi
        canon=$(canonical_path "$p")
        if is_forbidden_dir "$canon"; then
            SETTING_ERRORS+=("$name: '$p' resolves to '$canon', a system folder; it cannot be an allowed prefix")
            continue
        fi
        resolved+=("$canon")
    done
    list=("${resolved[@]}")
}

# resolve_clean_dirs NAME DIRS PREFIXES_NAME PREFIXES: replaces DIRS with their canonical form, or records why one is
# refused. One refused element refuses the whole setting (a one-space typo in a list must never clean a parent).
resolve_clean_dirs() {
    local name=$1 pname=$3 d canon p ok
    local -n dirs=$2 prefixes=$4
    local resolved=()
    for d in "${dirs[@]}"; do
        if [[ $d != /* ]]; then
            SETTING_ERRORS+=("$name: '$d' is not an absolute path (a space inside a path splits it in two; value '${!name-}')")
            continue
        fi
        canon=$(canonical_path "$d")
        if is_forbidden_dir "$canon"; then
            SETTING_ERRORS+=("$name: '$d' resolves to '$canon', a system folder; refused")
            continue
        fi
        ok=0
        for p in "${prefixes[@]}"; do
            if [[ $canon == "$p" || $canon == "$p"/* ]]; then
                ok=1
                break
            fi
        done
        if ((ok == 0)); then
            SETTING_ERRORS+=("$name: '$d' (resolved '$canon') is outside the allowed prefixes $pname='${prefixes[*]}'; refused")
            continue
        fi
        if [[ -d $canon ]] && mountpoint -q -- "$canon" 2>/dev/null; then
            SETTING_ERRORS+=("$name: '$d' (resolved '$canon') is the root of a mounted filesystem; refused")
            continue
        fi
        resolved+=("$canon")
    done
    dirs=("${resolved[@]}")
}

# Device:inode of every file a process holds open, in OPEN_FILES (scans /proc once; root sees every process, also
# those in containers, because the inode is the same). OPEN_FILES_COMPLETE=0 when some processes could not be read.
declare -A OPEN_FILES=()
OPEN_FILES_COMPLETE=1
load_open_files() {
    local id
    OPEN_FILES=()
    while IFS= read -r -d '' id; do
        OPEN_FILES[$id]=1
    done < <(find -L /proc/[0-9]*/fd -mindepth 1 -maxdepth 1 -type f -printf '%D:%i\0' 2>/dev/null)
    OPEN_FILES_COMPLETE=1
    [[ $(id -u) == 0 ]] || OPEN_FILES_COMPLETE=0
}

# --- identifiers and names ----------------------------------------------------------------------------------------------
# pct_encode TEXT: bytes outside [A-Za-z0-9._-] as %XX, so any database name fits on one manifest line.
pct_encode() {
    local LC_ALL=C s=$1 out="" c i
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case $c in
        [A-Za-z0-9._-]) out+=$c ;;
        *) printf -v c '%%%02X' "'$c"; out+=$c ;;
        esac
    done
    printf '%s' "$out"
}

# safe_file_part TEXT: a file-name-safe rendering of a database name (cosmetic only: dumps are identified by manifest).
safe_file_part() {
    local LC_ALL=C s=$1
    s=${s//[!A-Za-z0-9._-]/_}
    printf '%s' "${s:0:80}"
}

# conninfo_dbname NAME: a libpq "dbname='...'" string, so a name with '=', spaces or quotes is never parsed as options.
conninfo_dbname() {
    local s=$1
    s=${s//\\/\\\\}
    s=${s//\'/\\\'}
    printf "dbname='%s'" "$s"
}

# --- backup manifests -------------------------------------------------------------------------------------------------
# A nightly dump is a file X.dump with X.dump.manifest written by backup-db.sh in the same run. Only such dumps are
# nightlies: they are what retention prunes, what the restore test picks and what the health sweep ages.
MANIFEST_FORMAT=sigcerh-backup-manifest/1

# read_manifest DUMP: loads DUMP.manifest into the associative array MANIFEST; returns 1 when it is missing or unusable.
declare -A MANIFEST=()
read_manifest() {
    local file="$1.manifest" line key
    MANIFEST=()
    [[ -f $file && -r $file ]] || return 1
    while IFS= read -r line || [[ -n $line ]]; do
        [[ $line == \#* || $line != *=* ]] && continue
        key=${line%%=*}
        # The per-table counts come last; the header is all that selection needs (cost independent of table count).
        [[ $key == table ]] && break
        MANIFEST[$key]=${line#*=}
    done <"$file"
    [[ ${MANIFEST[format]:-} == "$MANIFEST_FORMAT" ]]
}

# is_nightly DUMP DATABASE NOW: DUMP has a manifest of a nightly of DATABASE, written for this very file, that is not
# dated in the future and whose size matches. Sets MANIFEST.
is_nightly() {
    local dump=$1 db=$2 now=$3 size
    [[ -f $dump && ! -L $dump ]] || return 1
    read_manifest "$dump" || return 1
    [[ ${MANIFEST[kind]:-} == nightly && ${MANIFEST[database]:-} == "$(pct_encode "$db")" ]] || return 1
    [[ ${MANIFEST[file]:-} == "${dump##*/}" ]] || return 1
    [[ ${MANIFEST[end_epoch]:-} =~ ^[0-9]{1,12}$ && ${MANIFEST[start_epoch]:-} =~ ^[0-9]{1,12}$ ]] || return 1
    [[ ${MANIFEST[size_bytes]:-} =~ ^[0-9]{1,15}$ && ${MANIFEST[sha256]:-} =~ ^[0-9a-f]{64}$ ]] || return 1
    ((10#${MANIFEST[end_epoch]} <= now + 3600)) || return 1
    size=$(stat -c %s -- "$dump" 2>/dev/null) || return 1
    [[ $size == "$((10#${MANIFEST[size_bytes]}))" ]]
}

# list_nightlies DIR DATABASE NOW ARRAY: the nightlies of DATABASE in DIR, newest first (by the manifest's end time).
# IGNORED_DUMPS counts the *.dump files that are not nightlies of DATABASE (manual copies, other databases, ...).
IGNORED_DUMPS=0
list_nightlies() {
    local dir=$1 db=$2 now=$3 f
    local -n result=$4
    local lines=()
    result=()
    IGNORED_DUMPS=0
    for f in "$dir"/*.dump; do
        [[ -e $f ]] || continue
        if is_nightly "$f" "$db" "$now"; then
            lines+=("$((10#${MANIFEST[end_epoch]})) $f")
        else
            IGNORED_DUMPS=$((IGNORED_DUMPS + 1))
        fi
    done
    ((${#lines[@]} > 0)) || return 0
    mapfile -t result < <(printf '%s\n' "${lines[@]}" | sort -k1,1nr -s | cut -d' ' -f2-)
}
