#!/usr/bin/env bash
# Daily PostgreSQL backup for SIGCERH, with proof.
#
#   backup-db.sh [--help]
#
# 1. Validates every setting first (a bad value exits 2 naming the variable and the value; nothing is done).
# 2. Takes a lock. A run that finds it held (a stuck earlier run) exits 3 and records a failure (reason "locked").
# 3. Checks the password and the connection, and that BACKUP_DIR has room (exit 2 / 1 / 4).
# 4. Runs pg_dump --format=custom --lock-wait-timeout inside an exported REPEATABLE READ snapshot held open by psql and,
#    in the same snapshot, counts the rows of every table and reads the database size.
# 5. Verifies the dump with pg_restore --list (every counted table must have its TABLE DATA entry).
# 6. Renames the hidden ".incomplete-*" file to sigcerh-<db>-<UTC stamp>.dump and then writes its manifest
#    <dump>.manifest (database, start/end time, size, sha256, database size, row counts) and <dump>.sha256.
#    The manifest is what makes a file a nightly: files without one (manual copies, other databases, odd or
#    future-dated names) are never counted, picked or deleted.
# 7. Prunes old nightlies of this database, selected by manifest (daily/weekly/monthly); the newest is always kept.
# 8. Records the outcome: a Prometheus textfile, an optional OTLP/HTTP push, and a JSON log line. Every failure
#    (including a timeout: SIGTERM from cron's timeout or systemd) is recorded with sigcerh_backup_last_status 0.
#
# Configuration (environment, usually from /etc/sigcerh/maintenance.env; unset = default, empty = error):
#   PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres PGDATABASE=sigcerh, PGPASSWORD or PGPASSFILE
#   PG_BIN_DIR (optional folder with pg_dump, pg_restore, psql)
#   BACKUP_DIR=/var/backups/sigcerh
#   BACKUP_KEEP_DAILY=7 BACKUP_KEEP_WEEKLY=4 BACKUP_KEEP_MONTHLY=6 (numbers in base 10: 08 is 8)
#   BACKUP_MIN_FREE_MB=200 (free space required before dumping, besides 1.5 x the last nightly's size)
#   BACKUP_LOCK_WAIT_SECONDS=600 (longest wait for a table lock, e.g. behind a stuck migration; then fail)
#   BACKUP_COMPRESS=6, BACKUP_NOW (ISO-8601 instant; fakes the clock, for tests)
#   SIGCERH_METRICS_DIR, SIGCERH_OTLP_HTTP_ENDPOINT, SIGCERH_MAINT_LOG, SIGCERH_LOCK_DIR (see lib.sh)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SIGCERH_SCRIPT_NAME=backup-db
# shellcheck source=lib.sh
source "$SCRIPT_DIR/lib.sh"
# Dumps and manifests hold personal data: owner-only files.
umask 077

if [[ ${1:-} == --help || ${1:-} == -h ]]; then
    sed -n '2,30p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 0
fi
if [[ $# -gt 0 ]]; then
    err "unknown argument '$1' (see --help)"
    exit "$EXIT_CONFIG"
fi

# --- 1. settings ------------------------------------------------------------------------------------------------------
setting_postgres_and_backup_dir
setting_int BACKUP_KEEP_DAILY 7 1 100000
setting_int BACKUP_KEEP_WEEKLY 4 0 100000
setting_int BACKUP_KEEP_MONTHLY 6 0 100000
setting_int BACKUP_MIN_FREE_MB 200 0 999999999
setting_int BACKUP_COMPRESS 6 0 9
setting_int BACKUP_LOCK_WAIT_SECONDS 600 1 86400
setting_path SIGCERH_METRICS_DIR /var/lib/sigcerh/metrics

START=$(monotonic_now)
RUN_EPOCH=$(now_epoch)
STAMP=$(date -u -d "@$RUN_EPOCH" +%Y%m%dT%H%M%SZ)
FINAL="$BACKUP_DIR/sigcerh-$(safe_file_part "$PGDATABASE")-$STAMP.dump"
TMP_DUMP="" TMP_COUNTS="" TMP_ERR="" TMP_RC="" TMP_SQL="" TMP_MANIFEST=""
SUCCESS=0
NIGHTLIES=()

record_outcome() {
    local status=$1 size=$2 duration=$3 last_success=$4 reason=${5:-} content
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
    if [[ -n $reason ]]; then
        content+="# HELP sigcerh_backup_last_failure_info Reason of the last failed backup attempt (value 1).
# TYPE sigcerh_backup_last_failure_info gauge
sigcerh_backup_last_failure_info{reason=\"$reason\"} 1
"
    fi
    write_prom_file sigcerh_backup "$content" || true
    local gauges=("sigcerh_backup_last_run_timestamp_seconds $RUN_EPOCH" "sigcerh_backup_last_status $status"
        "sigcerh_backup_last_size_bytes $size" "sigcerh_backup_last_duration_seconds $duration")
    if [[ -n $last_success ]]; then
        gauges+=("sigcerh_backup_last_success_timestamp_seconds $last_success")
    fi
    [[ -n $reason ]] && gauges+=("sigcerh_backup_last_failure_info 1 reason=$reason")
    push_otlp_gauges "${gauges[@]}"
}

# The newest nightly of this database (by manifest), or empty.
newest_nightly() {
    local found=()
    [[ -d $BACKUP_DIR ]] || return 0
    list_nightlies "$BACKUP_DIR" "$PGDATABASE" "$RUN_EPOCH" found
    ((${#found[@]} > 0)) && printf '%s' "${found[0]}"
    return 0
}

# fail EXIT_CODE REASON MESSAGE: cleans up, records the failure (keeping the previous success time) and exits.
fail() {
    local code=$1 reason=$2 message=$3 prev_success prev_size newest="" duration
    SUCCESS=2
    err "$message"
    cleanup_temp
    prev_success=$(read_prom_value sigcerh_backup sigcerh_backup_last_success_timestamp_seconds 2>/dev/null || true)
    prev_size=$(read_prom_value sigcerh_backup sigcerh_backup_last_size_bytes 2>/dev/null || true)
    if [[ $reason != config ]]; then
        newest=$(newest_nightly 2>/dev/null || true)
    fi
    if [[ -n $newest ]] && read_manifest "$newest"; then
        [[ -n $prev_success ]] || prev_success=${MANIFEST[end_epoch]:-}
        [[ -n $prev_size ]] || prev_size=${MANIFEST[size_bytes]:-}
    fi
    duration=$(elapsed_since "$START")
    log_json error backup.failed outcome=failure reason="$reason" error="$message" duration_s="$duration" \
        size_bytes=0 file="" database="$PGDATABASE" last_good_file="$newest"
    if [[ -n $SIGCERH_METRICS_DIR && $SIGCERH_METRICS_DIR == /* ]]; then
        record_outcome 0 "${prev_size:-0}" "$duration" "$prev_success" "$reason"
    fi
    exit "$code"
}

cleanup_temp() {
    local f
    for f in "$TMP_DUMP" "$TMP_COUNTS" "$TMP_ERR" "$TMP_RC" "$TMP_SQL" "$TMP_MANIFEST"; do
        [[ -n $f ]] && rm -f -- "$f" "$f.psql"
    done
    return 0
}

# Called by acquire_lock when another run holds the lock: a stuck run is a failed nightly, and the alert must see it.
on_lock_held() {
    SUCCESS=2
    local prev_success prev_size
    prev_success=$(read_prom_value sigcerh_backup sigcerh_backup_last_success_timestamp_seconds || true)
    prev_size=$(read_prom_value sigcerh_backup sigcerh_backup_last_size_bytes || true)
    log_json error backup.failed outcome=failure reason=locked error="lock $1 held by another run" database="$PGDATABASE"
    record_outcome 0 "${prev_size:-0}" 0 "$prev_success" locked
}

TERMINATED=""
on_exit() {
    local rc=$?
    if ((SUCCESS == 0)); then
        cleanup_temp
        if ((rc != 0)); then
            if [[ -n $TERMINATED ]]; then
                fail "$rc" terminated "stopped by SIG$TERMINATED (run timeout in cron/systemd, or shutdown); temporary files removed, existing backups untouched"
            fi
            fail "$rc" unexpected "unexpected error (exit $rc); temporary files removed, existing backups untouched"
        fi
    fi
}
trap on_exit EXIT
trap 'TERMINATED=TERM; exit 143' TERM
trap 'TERMINATED=INT; exit 130' INT
trap 'TERMINATED=HUP; exit 129' HUP

if ! settings_ok; then
    fail "$EXIT_CONFIG" config "invalid configuration; nothing was done: ${SETTING_ERRORS[*]}"
fi

# --- 2. lock -------------------------------------------------------------------------------------------------------
if ! mkdir -p "$BACKUP_DIR" 2>/dev/null || [[ ! -w $BACKUP_DIR ]]; then
    fail "$EXIT_CONFIG" config "backup folder $BACKUP_DIR does not exist or is not writable"
fi
acquire_lock backup

# Leftovers of a killed run (we hold the lock, so nobody else is writing them). Only our own hidden temp names.
find "$BACKUP_DIR" -xdev -mindepth 1 -maxdepth 1 -type f -name '.incomplete-sigcerh-*' -delete 2>/dev/null || true

# --- 3. preflight ------------------------------------------------------------------------------------------------------
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

list_nightlies "$BACKUP_DIR" "$PGDATABASE" "$RUN_EPOCH" NIGHTLIES
LAST_SIZE=0
if ((${#NIGHTLIES[@]} > 0)) && read_manifest "${NIGHTLIES[0]}"; then
    LAST_SIZE=$((10#${MANIFEST[size_bytes]}))
fi
NEEDED=$((BACKUP_MIN_FREE_MB * 1024 * 1024))
if ((LAST_SIZE * 3 / 2 > NEEDED)); then
    NEEDED=$((LAST_SIZE * 3 / 2))
fi
FREE=$(free_bytes "$BACKUP_DIR")
if ((FREE < NEEDED)); then
    fail "$EXIT_NO_SPACE" no_space "not enough free space in $BACKUP_DIR: $(human_bytes "$FREE") free, $(human_bytes "$NEEDED") needed; nothing was deleted (see docs/runbooks/disco-lleno.md)"
fi
if [[ -e $FINAL || -e $FINAL.manifest ]]; then
    fail "$EXIT_FAILED" exists "$FINAL already exists; refusing to overwrite it"
fi

# --- 4. dump + row counts in one snapshot ---------------------------------------------------------------------------------
TMP_DUMP=$(mktemp "$BACKUP_DIR/.incomplete-sigcerh-$STAMP.XXXXXX") || fail "$EXIT_NO_SPACE" no_space "cannot create a file in $BACKUP_DIR"
TMP_COUNTS="$TMP_DUMP.counts"
TMP_ERR="$TMP_DUMP.err"
TMP_RC="$TMP_DUMP.rc"
TMP_SQL="$TMP_DUMP.sql"
TMP_MANIFEST="$TMP_DUMP.manifest"

# psql holds the REPEATABLE READ transaction open while pg_dump reads its exported snapshot; the counts ("C|n|name"),
# the raw "schema table" keys that pg_restore --list prints ("K|..."), and the database size ("S|bytes") are read in
# the same snapshot. lock_timeout bounds every wait on a table lock, in psql and in pg_dump alike.
{
    cat <<EOF
\\set ON_ERROR_STOP on
SET lock_timeout = '${BACKUP_LOCK_WAIT_SECONDS}s';
BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
SELECT pg_export_snapshot() AS sigcerh_snapshot \\gset
\\setenv SIGCERH_SNAPSHOT :sigcerh_snapshot
\\! "\$SIGCERH_PG_DUMP" --snapshot="\$SIGCERH_SNAPSHOT" --lock-wait-timeout="\$SIGCERH_LOCK_WAIT" --format=custom --compress="\$SIGCERH_COMPRESS" --file="\$SIGCERH_TMP_DUMP" 2>"\$SIGCERH_TMP_ERR"; echo \$? >"\$SIGCERH_TMP_RC"
SELECT 'S', pg_database_size(current_database());
EOF
    row_count_sql | sed 's/^SELECT /SELECT '"'C'"', /'
    cat <<'EOF'
SELECT 'K', replace(replace(n.nspname || ' ' || c.relname, E'\n', ' '), E'\r', ' ')
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind = 'r'
   AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e');
COMMIT;
EOF
} >"$TMP_SQL" || fail "$EXIT_NO_SPACE" no_space "cannot write in $BACKUP_DIR (disk full?)"

info "dumping $PGDATABASE from $PGHOST:$PGPORT to $BACKUP_DIR"
psql_rc=0
SIGCERH_PG_DUMP=$PG_DUMP SIGCERH_COMPRESS=$BACKUP_COMPRESS SIGCERH_TMP_DUMP=$TMP_DUMP SIGCERH_TMP_ERR=$TMP_ERR \
    SIGCERH_TMP_RC=$TMP_RC SIGCERH_LOCK_WAIT="${BACKUP_LOCK_WAIT_SECONDS}s" \
    "$PSQL" -X -q -At -F '|' -f "$TMP_SQL" >"$TMP_COUNTS" 2>"$TMP_ERR.psql" || psql_rc=$?
psql_err=$(cat "$TMP_ERR.psql" 2>/dev/null || true)
dump_rc=$(cat "$TMP_RC" 2>/dev/null || echo missing)
dump_err=$(cat "$TMP_ERR" 2>/dev/null || true)
END_EPOCH=$(now_epoch)

if [[ $dump_rc != 0 || $psql_rc != 0 ]]; then
    all_err="${dump_err} ${psql_err}"
    if [[ $all_err == *"No space left on device"* ]] || (($(free_bytes "$BACKUP_DIR") < 65536)); then
        fail "$EXIT_NO_SPACE" no_space "disk full while writing the dump in $BACKUP_DIR; the partial file was removed and older backups are untouched (see docs/runbooks/disco-lleno.md)"
    fi
    if [[ $all_err == *"could not obtain lock"* || $all_err == *"lock timeout"* ]]; then
        fail "$EXIT_FAILED" lock_timeout "a table stayed locked for more than ${BACKUP_LOCK_WAIT_SECONDS}s (a stuck migration or session holds it; see docs/runbooks/backup-fallido.md): ${all_err//$'\n'/ }"
    fi
    fail "$EXIT_FAILED" pg_dump_failed "pg_dump failed (exit $dump_rc, psql exit $psql_rc): ${all_err//$'\n'/ }"
fi

# --- 5. verify ------------------------------------------------------------------------------------------------------
if ! toc=$("$PG_RESTORE" --list "$TMP_DUMP" 2>&1); then
    fail "$EXIT_FAILED" verify_failed "pg_restore --list cannot read the new dump: ${toc//$'\n'/ }"
fi
if [[ $toc != *"; Archive created at"* ]]; then
    fail "$EXIT_FAILED" verify_failed "pg_restore --list output has no archive header; the dump is not usable"
fi
missing=$(awk 'NR == FNR { if (index($0, " TABLE DATA ") > 0) data[++n] = substr($0, index($0, " TABLE DATA ") + 12) " "; next }
               /^K\|/ { key = substr($0, 3) " "; found = 0
                        for (i = 1; i <= n; i++) if (index(data[i], key) == 1) { found = 1; break }
                        if (!found) print substr($0, 3) }' <(printf '%s\n' "$toc") "$TMP_COUNTS")
if [[ -n $missing ]]; then
    fail "$EXIT_FAILED" verify_failed "the dump lacks the data of table(s): ${missing//$'\n'/, }"
fi
DB_SIZE=$(awk -F'|' '$1 == "S" { print $2; exit }' "$TMP_COUNTS")
[[ $DB_SIZE =~ ^[0-9]+$ ]] || fail "$EXIT_FAILED" verify_failed "could not read the database size in the dump's snapshot"
TABLES=$(grep -c '^C|' "$TMP_COUNTS" || true)
ROWS=$(awk -F'|' '$1 == "C" { s += $2 } END { print s + 0 }' "$TMP_COUNTS")

# --- 6. publish: the dump, then its checksum, then the manifest that makes it a nightly -----------------------------------
DIGEST=$(sha256sum <"$TMP_DUMP" | cut -d' ' -f1)
SIZE=$(stat -c %s "$TMP_DUMP")
{
    printf '# SIGCERH backup manifest, written by backup-db.sh in the run that made the dump. Do not edit.\n'
    printf 'format=%s\nkind=nightly\n' "$MANIFEST_FORMAT"
    printf 'database=%s\nserver=%s\nfile=%s\n' "$(pct_encode "$PGDATABASE")" "$(pct_encode "$PGHOST:$PGPORT")" "${FINAL##*/}"
    printf 'start_epoch=%s\nstart=%s\nend_epoch=%s\nend=%s\n' "$RUN_EPOCH" "$(iso_time "$RUN_EPOCH")" "$END_EPOCH" "$(iso_time "$END_EPOCH")"
    printf 'size_bytes=%s\nsha256=%s\ndatabase_size_bytes=%s\ntables=%s\nrows=%s\n' "$SIZE" "$DIGEST" "$DB_SIZE" "$TABLES" "$ROWS"
    printf 'pg_dump_version=%s\n' "$("$PG_DUMP" --version | tr -cd '[:print:]')"
    awk -F'|' '$1 == "C" { print "table=" substr($0, 3) }' "$TMP_COUNTS"
} >"$TMP_MANIFEST" || fail "$EXIT_NO_SPACE" no_space "cannot write the manifest in $BACKUP_DIR (disk full?)"
sync -f "$TMP_DUMP" 2>/dev/null || true
if ! { mv -f -- "$TMP_DUMP" "$FINAL" &&
    printf '%s  %s\n' "$DIGEST" "${FINAL##*/}" >"$FINAL.sha256" &&
    mv -f -- "$TMP_MANIFEST" "$FINAL.manifest"; }; then
    rm -f -- "$FINAL.sha256" "$FINAL.manifest"
    fail "$EXIT_FAILED" rename_failed "cannot publish the verified dump as $FINAL (disk full?); it is left without a manifest, so it does not count as a nightly"
fi
TMP_DUMP="" TMP_MANIFEST=""
cleanup_temp

# --- 7. retention (nightlies of this database only, by manifest time) ------------------------------------------------------
list_nightlies "$BACKUP_DIR" "$PGDATABASE" "$RUN_EPOCH" NIGHTLIES
declare -A keep=() seen_day=() seen_week=() seen_month=()
ends=()
for f in "${NIGHTLIES[@]}"; do
    read_manifest "$f"
    ends+=("$((10#${MANIFEST[start_epoch]}))")
done
if ((${#NIGHTLIES[@]} > 0)); then
    mapfile -t periods < <(printf '@%s\n' "${ends[@]}" | date -u -f - '+%Y%m%d %G-W%V %Y%m')
fi
for i in "${!NIGHTLIES[@]}"; do
    f=${NIGHTLIES[$i]}
    read -r day week month <<<"${periods[$i]}"
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
for f in "${NIGHTLIES[@]}"; do
    if [[ -z ${keep[$f]:-} ]]; then
        # Manifest first: a half-pruned nightly is then an ignored file, never a nightly without its proof.
        rm -f -- "$f.manifest" && rm -f -- "$f" "$f.sha256" "$f.counts"
        pruned+=("${f##*/}")
    fi
done
if ((${#pruned[@]} > 0)); then
    log_json info backup.pruned count="${#pruned[@]}" files="${pruned[*]}" kept="${#keep[@]}"
fi
if ((IGNORED_DUMPS > 0)); then
    info "$IGNORED_DUMPS .dump file(s) in $BACKUP_DIR have no nightly manifest of $PGDATABASE (manual copies, other databases): never counted or deleted"
fi

# --- 8. report ------------------------------------------------------------------------------------------------------
DURATION=$(elapsed_since "$START")
SUCCESS=1
log_json info backup.completed outcome=success duration_s="$DURATION" size_bytes="$SIZE" file="$FINAL" \
    database="$PGDATABASE" tables="$TABLES" rows="$ROWS" kept="${#keep[@]}" pruned="${#pruned[@]}" \
    ignored_files="$IGNORED_DUMPS" sha256="$DIGEST"
record_outcome 1 "$SIZE" "$DURATION" "$RUN_EPOCH"
