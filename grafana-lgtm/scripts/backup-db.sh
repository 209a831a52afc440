#!/usr/bin/env bash
# Daily PostgreSQL backup for SIGCERH, with proof.
#
#   backup-db.sh [--help]
#
# 1. Takes a lock (a second concurrent run exits 3 and changes nothing).
# 2. Checks the password and the connection, and that BACKUP_DIR has room (exit 2 / 1 / 4).
# 3. Runs pg_dump --format=custom inside a REPEATABLE READ snapshot and, in the same snapshot, records the exact
#    row count of every table in a manifest (<dump>.counts) that restore-test.sh checks later.
# 4. Verifies the dump with pg_restore --list (every counted table must have its TABLE DATA entry).
# 5. Only then renames the hidden ".incomplete-*" temp file to sigcerh-<db>-<UTC stamp>.dump (atomic rename).
# 6. Prunes old dumps (daily/weekly/monthly retention); the newest good dump is never deleted.
# 7. Records the outcome: a Prometheus textfile, an optional OTLP/HTTP push, and a JSON log line.
#
# Configuration (environment, usually from /etc/sigcerh/maintenance.env):
#   PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres PGDATABASE=sigcerh, PGPASSWORD or PGPASSFILE
#   PG_BIN_DIR (optional folder with pg_dump, pg_restore, psql)
#   BACKUP_DIR=/var/backups/sigcerh
#   BACKUP_KEEP_DAILY=7 BACKUP_KEEP_WEEKLY=4 BACKUP_KEEP_MONTHLY=6
#   BACKUP_MIN_FREE_MB=200 (free space required before dumping, besides 1.5 x the last dump's size)
#   BACKUP_COMPRESS=6, BACKUP_NOW (ISO-8601 instant; fakes the clock, for tests)
#   SIGCERH_METRICS_DIR, SIGCERH_OTLP_HTTP_ENDPOINT, SIGCERH_MAINT_LOG, SIGCERH_LOCK_DIR (see lib.sh)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SIGCERH_SCRIPT_NAME=backup-db
# shellcheck source=lib.sh
source "$SCRIPT_DIR/lib.sh"

if [[ ${1:-} == --help || ${1:-} == -h ]]; then
    sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 0
fi
if [[ $# -gt 0 ]]; then
    err "unknown argument '$1' (see --help)"
    exit "$EXIT_CONFIG"
fi

export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}" PGDATABASE="${PGDATABASE:-sigcerh}"
export PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-10}"
BACKUP_DIR="${BACKUP_DIR:-/var/backups/sigcerh}"
BACKUP_KEEP_DAILY="${BACKUP_KEEP_DAILY:-7}"
BACKUP_KEEP_WEEKLY="${BACKUP_KEEP_WEEKLY:-4}"
BACKUP_KEEP_MONTHLY="${BACKUP_KEEP_MONTHLY:-6}"
BACKUP_MIN_FREE_MB="${BACKUP_MIN_FREE_MB:-200}"
BACKUP_COMPRESS="${BACKUP_COMPRESS:-6}"

for v in BACKUP_KEEP_DAILY BACKUP_KEEP_WEEKLY BACKUP_KEEP_MONTHLY BACKUP_MIN_FREE_MB BACKUP_COMPRESS; do
    if ! [[ ${!v} =~ ^[0-9]+$ ]]; then
        err "$v must be a whole number, got '${!v}'"
        exit "$EXIT_CONFIG"
    fi
done
if ((BACKUP_KEEP_DAILY < 1)); then
    err "BACKUP_KEEP_DAILY must be at least 1 (the newest dump is always kept)"
    exit "$EXIT_CONFIG"
fi

START=$(monotonic_now)
RUN_EPOCH=$(now_epoch)
STAMP=$(date -u -d "@$RUN_EPOCH" +%Y%m%dT%H%M%SZ)
PREFIX="sigcerh-$PGDATABASE-"
FINAL="$BACKUP_DIR/$PREFIX$STAMP.dump"
TMP_DUMP="" TMP_COUNTS="" TMP_SUM="" TMP_ERR="" TMP_RC="" TMP_SQL=""
SUCCESS=0

# Newest complete dump (names sort by time), or empty.
newest_dump() {
    local f newest=""
    for f in "$BACKUP_DIR/$PREFIX"*.dump; do
        [[ -f $f ]] && newest=$f
    done
    printf '%s' "$newest"
}

# Epoch of a dump from its name: sigcerh-<db>-YYYYmmddTHHMMSSZ.dump
dump_epoch() {
    local stamp=${1##*-}
    stamp=${stamp%.dump}
    date -u -d "${stamp:0:4}-${stamp:4:2}-${stamp:6:2}T${stamp:9:2}:${stamp:11:2}:${stamp:13:2}Z" +%s
}

record_outcome() {
    local status=$1 size=$2 duration=$3 last_success=$4 content
    content="# HELP sigcerh_backup_last_success_timestamp_seconds Unix time of the last verified database backup.
# TYPE sigcerh_backup_last_success_timestamp_seconds gauge
"
    if [[ -n $last_success ]]; then
        content+="sigcerh_backup_last_success_timestamp_seconds $last_success
"
    fi
    content+="# HELP sigcerh_backup_last_run_timestamp_seconds Unix time of the last backup attempt.
# TYPE sigcerh_backup_last_run_timestamp_seconds gauge
sigcerh_backup_last_run_timestamp_seconds $RUN_EPOCH
# HELP sigcerh_backup_last_status 1 when the last backup attempt succeeded, 0 when it failed.
# TYPE sigcerh_backup_last_status gauge
sigcerh_backup_last_status $status
# HELP sigcerh_backup_last_size_bytes Size of the last verified dump.
# TYPE sigcerh_backup_last_size_bytes gauge
sigcerh_backup_last_size_bytes $size
# HELP sigcerh_backup_last_duration_seconds Duration of the last backup attempt.
# TYPE sigcerh_backup_last_duration_seconds gauge
sigcerh_backup_last_duration_seconds $duration
"
    write_prom_file sigcerh_backup "$content" || true
    local gauges=("sigcerh_backup_last_run_timestamp_seconds $RUN_EPOCH" "sigcerh_backup_last_status $status"
        "sigcerh_backup_last_size_bytes $size" "sigcerh_backup_last_duration_seconds $duration")
    if [[ -n $last_success ]]; then
        gauges+=("sigcerh_backup_last_success_timestamp_seconds $last_success")
    fi
    push_otlp_gauges "${gauges[@]}"
}

# fail EXIT_CODE REASON MESSAGE: cleans up, records the failure and exits.
fail() {
    local code=$1 reason=$2 message=$3 prev_success prev_size newest
    err "$message"
    cleanup_temp
    prev_success=$(read_prom_value sigcerh_backup sigcerh_backup_last_success_timestamp_seconds)
    prev_size=$(read_prom_value sigcerh_backup sigcerh_backup_last_size_bytes)
    newest=$(newest_dump)
    if [[ -z $prev_success && -n $newest ]]; then
        prev_success=$(dump_epoch "$newest")
    fi
    if [[ -z $prev_size && -n $newest ]]; then
        prev_size=$(stat -c %s "$newest")
    fi
    local duration
    duration=$(elapsed_since "$START")
    log_json error backup.failed outcome=failure reason="$reason" error="$message" duration_s="$duration" \
        size_bytes=0 file="" database="$PGDATABASE" last_good_file="$newest"
    record_outcome 0 "${prev_size:-0}" "$duration" "$prev_success"
    SUCCESS=2
    exit "$code"
}

cleanup_temp() {
    local f
    for f in "$TMP_DUMP" "$TMP_COUNTS" "$TMP_SUM" "$TMP_ERR" "$TMP_RC" "$TMP_SQL"; do
        [[ -n $f ]] && rm -f -- "$f"
    done
    return 0
}

on_exit() {
    local rc=$?
    if ((SUCCESS == 0)); then
        cleanup_temp
        if ((rc != 0 && rc != EXIT_LOCKED)); then
            SUCCESS=2
            fail "$rc" unexpected "interrupted or unexpected error (exit $rc); temporary files removed, existing backups untouched"
        fi
    fi
}
trap on_exit EXIT
trap 'exit 1' INT TERM HUP

# --- 1. lock -------------------------------------------------------------------------------------------------------
if ! mkdir -p "$BACKUP_DIR" 2>/dev/null || [[ ! -w $BACKUP_DIR ]]; then
    fail "$EXIT_CONFIG" config "backup folder $BACKUP_DIR does not exist or is not writable"
fi
acquire_lock backup

# Leftovers of a killed run (we hold the lock, so nobody else is writing them).
rm -f -- "$BACKUP_DIR"/.incomplete-*

# --- 2. preflight ------------------------------------------------------------------------------------------------------
PG_DUMP=$(pg_tool pg_dump) || fail "$EXIT_CONFIG" config "pg_dump not available"
PG_RESTORE=$(pg_tool pg_restore) || fail "$EXIT_CONFIG" config "pg_restore not available"
PSQL=$(pg_tool psql) || fail "$EXIT_CONFIG" config "psql not available"

if ! require_pg_password; then
    fail "$EXIT_CONFIG" missing_password "no database password configured for user $PGUSER (set PGPASSWORD or PGPASSFILE)"
fi

if ! conn_err=$("$PSQL" -X -q -At -c 'SELECT 1' 2>&1 >/dev/null); then
    case $conn_err in
    *"password authentication failed"* | *"authentication failed"*)
        fail "$EXIT_CONFIG" wrong_password "wrong database password for user $PGUSER on $PGHOST:$PGPORT (password authentication failed); fix PGPASSWORD/PGPASSFILE" ;;
    *"no password supplied"* | *"fe_sendauth"*)
        fail "$EXIT_CONFIG" missing_password "the server asked for a password and none was supplied for user $PGUSER (set PGPASSWORD or PGPASSFILE)" ;;
    *"does not exist"*)
        fail "$EXIT_CONFIG" config "database or role missing on $PGHOST:$PGPORT: ${conn_err//$'\n'/ }" ;;
    *)
        fail "$EXIT_FAILED" unreachable "cannot connect to PostgreSQL at $PGHOST:$PGPORT: ${conn_err//$'\n'/ }" ;;
    esac
fi

LAST_GOOD=$(newest_dump)
LAST_SIZE=0
[[ -n $LAST_GOOD ]] && LAST_SIZE=$(stat -c %s "$LAST_GOOD")
NEEDED=$((BACKUP_MIN_FREE_MB * 1024 * 1024))
if ((LAST_SIZE * 3 / 2 > NEEDED)); then
    NEEDED=$((LAST_SIZE * 3 / 2))
fi
FREE=$(free_bytes "$BACKUP_DIR")
if ((FREE < NEEDED)); then
    fail "$EXIT_NO_SPACE" no_space "not enough free space in $BACKUP_DIR: $(human_bytes "$FREE") free, $(human_bytes "$NEEDED") needed; nothing was deleted (see docs/runbooks/disco-lleno.md)"
fi
if [[ -e $FINAL ]]; then
    fail "$EXIT_FAILED" exists "$FINAL already exists; refusing to overwrite it"
fi

# --- 3. dump + row counts in one snapshot ---------------------------------------------------------------------------------
TMP_DUMP=$(mktemp "$BACKUP_DIR/.incomplete-$PREFIX$STAMP.XXXXXX") || fail "$EXIT_NO_SPACE" no_space "cannot create a file in $BACKUP_DIR"
TMP_COUNTS="$TMP_DUMP.counts"
TMP_SUM="$TMP_DUMP.sha256"
TMP_ERR="$TMP_DUMP.err"
TMP_RC="$TMP_DUMP.rc"
TMP_SQL="$TMP_DUMP.sql"

COUNT_SQL=$(row_count_sql)

cat >"$TMP_SQL" <<EOF || fail "$EXIT_NO_SPACE" no_space "cannot write in $BACKUP_DIR (disk full?)"
\\set ON_ERROR_STOP on
BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
SELECT pg_export_snapshot() AS sigcerh_snapshot \\gset
\\setenv SIGCERH_SNAPSHOT :sigcerh_snapshot
\\! "\$SIGCERH_PG_DUMP" --snapshot="\$SIGCERH_SNAPSHOT" --format=custom --compress="\$SIGCERH_COMPRESS" --file="\$SIGCERH_TMP_DUMP" 2>"\$SIGCERH_TMP_ERR"; echo \$? >"\$SIGCERH_TMP_RC"
$COUNT_SQL
COMMIT;
EOF

info "dumping $PGDATABASE from $PGHOST:$PGPORT to $BACKUP_DIR"
psql_rc=0
SIGCERH_PG_DUMP=$PG_DUMP SIGCERH_COMPRESS=$BACKUP_COMPRESS SIGCERH_TMP_DUMP=$TMP_DUMP SIGCERH_TMP_ERR=$TMP_ERR \
    SIGCERH_TMP_RC=$TMP_RC "$PSQL" -X -q -At -F '|' -f "$TMP_SQL" >"$TMP_COUNTS" 2>"$TMP_ERR.psql" || psql_rc=$?
psql_err=$(cat "$TMP_ERR.psql" 2>/dev/null || true)
rm -f -- "$TMP_ERR.psql"
dump_rc=$(cat "$TMP_RC" 2>/dev/null || echo missing)
dump_err=$(cat "$TMP_ERR" 2>/dev/null || true)

if [[ $dump_rc != 0 || $psql_rc != 0 ]]; then
    all_err="${dump_err} ${psql_err}"
    if [[ $all_err == *"No space left on device"* ]] || (($(free_bytes "$BACKUP_DIR") < 65536)); then
        fail "$EXIT_NO_SPACE" no_space "disk full while writing the dump in $BACKUP_DIR; the partial file was removed and older backups are untouched (see docs/runbooks/disco-lleno.md)"
    fi
    fail "$EXIT_FAILED" pg_dump_failed "pg_dump failed (exit $dump_rc, psql exit $psql_rc): ${all_err//$'\n'/ }"
fi

# --- 4. verify ------------------------------------------------------------------------------------------------------
if ! toc=$("$PG_RESTORE" --list "$TMP_DUMP" 2>&1); then
    fail "$EXIT_FAILED" verify_failed "pg_restore --list cannot read the new dump: ${toc//$'\n'/ }"
fi
if [[ $toc != *"; Archive created at"* ]]; then
    fail "$EXIT_FAILED" verify_failed "pg_restore --list output has no archive header; the dump is not usable"
fi
missing=$(awk -F'|' 'NR == FNR { if ($4 == "TABLE" && $5 == "DATA") seen[$6 "." $7] = 1; next }
                     { if (!($1 in seen)) print $1 }' FS=' ' <(printf '%s\n' "$toc") FS='|' "$TMP_COUNTS")
if [[ -n $missing ]]; then
    fail "$EXIT_FAILED" verify_failed "the dump lacks the data of table(s): ${missing//$'\n'/ }"
fi
TABLES=$(grep -c . "$TMP_COUNTS" || true)
ROWS=$(awk -F'|' '{ s += $2 } END { print s + 0 }' "$TMP_COUNTS")

# --- 5. publish atomically ------------------------------------------------------------------------------------------------
DIGEST=$(sha256sum <"$TMP_DUMP" | cut -d' ' -f1)
printf '%s  %s\n' "$DIGEST" "$(basename "$FINAL")" >"$TMP_SUM" ||
    fail "$EXIT_NO_SPACE" no_space "cannot write the checksum in $BACKUP_DIR (disk full?)"
sync -f "$TMP_DUMP" 2>/dev/null || true
if ! { mv -f -- "$TMP_COUNTS" "$FINAL.counts" && mv -f -- "$TMP_SUM" "$FINAL.sha256" && mv -f -- "$TMP_DUMP" "$FINAL"; }; then
    rm -f -- "$FINAL.counts" "$FINAL.sha256"
    fail "$EXIT_FAILED" rename_failed "cannot rename the verified dump to $FINAL"
fi
TMP_DUMP="" TMP_COUNTS="" TMP_SUM=""
cleanup_temp
SIZE=$(stat -c %s "$FINAL")

# --- 6. retention ------------------------------------------------------------------------------------------------------
declare -A keep=()
declare -A seen_day=() seen_week=() seen_month=()
mapfile -t all < <(for f in "$BACKUP_DIR/$PREFIX"*.dump; do [[ -f $f ]] && printf '%s\n' "$f"; done | sort -r)
# ISO weeks of all dumps in one date call (names are sigcerh-<db>-YYYYmmddTHHMMSSZ.dump).
mapfile -t weeks < <(for f in "${all[@]}"; do s=${f##*-}; printf '%s-%s-%s\n' "${s:0:4}" "${s:4:2}" "${s:6:2}"; done |
    date -u -f - +%G-W%V)
for i in "${!all[@]}"; do
    f=${all[$i]}
    s=${f##*-}
    day=${s:0:8}
    month=${s:0:6}
    week=${weeks[$i]}
    if [[ -z ${seen_day[$day]:-} && ${#seen_day[@]} -lt $BACKUP_KEEP_DAILY ]]; then
        seen_day[$day]=1
        keep[$f]=daily
    fi
    if [[ -z ${seen_week[$week]:-} && ${#seen_week[@]} -lt $BACKUP_KEEP_WEEKLY ]]; then
        seen_week[$week]=1
        keep[$f]=${keep[$f]:-weekly}
    fi
    if [[ -z ${seen_month[$month]:-} && ${#seen_month[@]} -lt $BACKUP_KEEP_MONTHLY ]]; then
        seen_month[$month]=1
        keep[$f]=${keep[$f]:-monthly}
    fi
done
keep[$FINAL]=newest
pruned=()
doomed=()
for f in "${all[@]}"; do
    if [[ -z ${keep[$f]:-} ]]; then
        doomed+=("$f" "$f.counts" "$f.sha256")
        pruned+=("${f##*/}")
    fi
done
if ((${#doomed[@]} > 0)); then
    rm -f -- "${doomed[@]}"
fi
if ((${#pruned[@]} > 0)); then
    log_json info backup.pruned count="${#pruned[@]}" files="${pruned[*]}" kept="${#keep[@]}"
fi

# --- 7. report ------------------------------------------------------------------------------------------------------
DURATION=$(elapsed_since "$START")
SUCCESS=1
log_json info backup.completed outcome=success duration_s="$DURATION" size_bytes="$SIZE" file="$FINAL" \
    database="$PGDATABASE" tables="$TABLES" rows="$ROWS" kept="${#keep[@]}" pruned="${#pruned[@]}"
record_outcome 1 "$SIZE" "$DURATION" "$RUN_EPOCH"
