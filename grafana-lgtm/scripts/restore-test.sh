#!/usr/bin/env bash
# Monthly restore test (and manual restore into a scratch database) for SIGCERH backups.
#
#   restore-test.sh [--file DUMP] [--target-db NAME] [--keep] [--with-owners]
#
# 1. Picks the newest NIGHTLY of PGDATABASE in BACKUP_DIR, chosen by manifest (never by file name), or --file, and
#    checks its sha256 (from the manifest, or DUMP.sha256 for a dump without one). No checksum: it fails loudly.
# 2. Connects to the TARGET cluster: RESTORE_PGHOST/RESTORE_PGPORT/RESTORE_PGUSER (default: the same server as the
#    source). A separate restore cluster or host is the recommended setup; a fresh server with no source database
#    (the disaster case) works too, because the check uses the manifest's row counts.
# 3. Refuses to restore when the target's data volume lacks room: it measures the free space of the target's data
#    directory (RESTORE_DATA_DIR, or SHOW data_directory when that cluster runs on this machine, proven by its
#    postmaster.pid) against the database size recorded in the manifest + RESTORE_SPACE_MARGIN_PERCENT + room for the
#    WAL the restore writes + RESTORE_MIN_FREE_MB. A disk that cannot take it is never touched.
# 4. Restores with pg_restore into a scratch database (default <PGDATABASE>_restore_test), marked with a comment; a
#    leftover scratch database of a crashed run is dropped first, any other existing database is refused.
# 5. Counts the rows of every table in the restored copy and compares them with the manifest (the exact counts taken in
#    the dump's own snapshot); without a manifest, with the live source database.
# 6. Drops the scratch database (unless --keep), also on failure or interruption, and records the outcome:
#    Prometheus textfile (sigcerh_restore_test.prom, with the failure reason), optional OTLP/HTTP push, JSON log line.
#
# --keep leaves the restored database in place, to inspect it or to promote it after a disaster
# (docs/backups.md explains how). --with-owners restores the original owners and privileges (the roles must exist
# on the server); by default objects are owned by the restoring user (--no-owner --no-privileges).
# Exit codes: 0 ok, 1 restore or count check failed, 2 bad input, 3 another restore test is running, 4 no space.
# Configuration: the same PG*, PG_BIN_DIR, BACKUP_DIR and SIGCERH_* variables as backup-db.sh, plus RESTORE_PGHOST,
# RESTORE_PGPORT, RESTORE_PGUSER, RESTORE_PGPASSWORD, RESTORE_DATA_DIR, RESTORE_SPACE_MARGIN_PERCENT=20,
# RESTORE_MIN_FREE_MB=1024, RESTORE_NO_MANIFEST_FACTOR=10 (database size = N x dump size when there is no manifest).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SIGCERH_SCRIPT_NAME=restore-test
# shellcheck source=lib.sh
source "$SCRIPT_DIR/lib.sh"

DUMP=""
TARGET_ARG=""
KEEP=0
OWNER_FLAGS=(--no-owner --no-privileges)
while [[ $# -gt 0 ]]; do
    case $1 in
    --file) DUMP=${2:?--file needs a path}; shift 2 ;;
    --target-db) TARGET_ARG=${2:?--target-db needs a name}; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --with-owners) OWNER_FLAGS=(); shift ;;
    -h | --help) sed -n '2,34p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) err "unknown argument '$1' (see --help)"; exit "$EXIT_CONFIG" ;;
    esac
done

# --- settings ---------------------------------------------------------------------------------------------------------
setting_postgres_and_backup_dir
setting_text RESTORE_PGHOST "$PGHOST"
setting_int RESTORE_PGPORT "$PGPORT" 1 65535
setting_text RESTORE_PGUSER "$PGUSER"
setting_int RESTORE_SPACE_MARGIN_PERCENT 20 0 1000
setting_int RESTORE_MIN_FREE_MB 1024 0 999999999
setting_int RESTORE_NO_MANIFEST_FACTOR 10 1 1000
if [[ -n ${RESTORE_DATA_DIR+set} ]]; then
    setting_path RESTORE_DATA_DIR ""
fi
setting_path SIGCERH_METRICS_DIR /var/lib/sigcerh/metrics
TARGET=${TARGET_ARG:-${PGDATABASE}_restore_test}
SCRATCH_MARK="sigcerh restore-test scratch database"

START=$(monotonic_now)
RUN_EPOCH=$(now_epoch)
CREATED=0
DONE=0
WORK=$(mktemp -d)

record_outcome() {
    local status=$1 duration=$2 reason=${3:-} last_success content
    if ((status == 1)); then
        last_success=$RUN_EPOCH
    else
        last_success=$(read_prom_value sigcerh_restore_test sigcerh_restore_test_last_success_timestamp_seconds || true)
    fi
    content="# HELP sigcerh_restore_test_last_success_timestamp_seconds Unix time of the last restore test that passed.
# TYPE sigcerh_restore_test_last_success_timestamp_seconds gauge
"
    [[ -n $last_success ]] && content+="sigcerh_restore_test_last_success_timestamp_seconds $last_success
"
    content+="# HELP sigcerh_restore_test_last_status 1 when the last restore test passed, 0 when it failed.
# TYPE sigcerh_restore_test_last_status gauge
sigcerh_restore_test_last_status $status
# HELP sigcerh_restore_test_last_run_timestamp_seconds Unix time of the last restore test.
# TYPE sigcerh_restore_test_last_run_timestamp_seconds gauge
sigcerh_restore_test_last_run_timestamp_seconds $RUN_EPOCH
# HELP sigcerh_restore_test_last_duration_seconds Duration of the last restore test.
# TYPE sigcerh_restore_test_last_duration_seconds gauge
sigcerh_restore_test_last_duration_seconds $duration
"
    if [[ -n $reason ]]; then
        content+="# HELP sigcerh_restore_test_last_failure_info Reason of the last failed restore test (value 1).
# TYPE sigcerh_restore_test_last_failure_info gauge
sigcerh_restore_test_last_failure_info{reason=\"$reason\"} 1
"
    fi
    write_prom_file sigcerh_restore_test "$content" || true
    local gauges=("sigcerh_restore_test_last_status $status" "sigcerh_restore_test_last_run_timestamp_seconds $RUN_EPOCH"
        "sigcerh_restore_test_last_duration_seconds $duration")
    [[ -n $last_success ]] && gauges+=("sigcerh_restore_test_last_success_timestamp_seconds $last_success")
    [[ -n $reason ]] && gauges+=("sigcerh_restore_test_last_failure_info 1 reason=$reason")
    push_otlp_gauges "${gauges[@]}"
}

# Runs psql against the TARGET cluster (SQL on stdin or -f; names passed as psql variables, used as :"name"/:'name').
target_psql() {
    local envs=(PGHOST="$RESTORE_PGHOST" PGPORT="$RESTORE_PGPORT" PGUSER="$RESTORE_PGUSER")
    [[ -n ${RESTORE_PGPASSWORD+set} ]] && envs+=(PGPASSWORD="$RESTORE_PGPASSWORD")
    env "${envs[@]}" "$PSQL" -X -q -At -v ON_ERROR_STOP=1 "$@"
}

target_restore() {
    local envs=(PGHOST="$RESTORE_PGHOST" PGPORT="$RESTORE_PGPORT" PGUSER="$RESTORE_PGUSER")
    [[ -n ${RESTORE_PGPASSWORD+set} ]] && envs+=(PGPASSWORD="$RESTORE_PGPASSWORD")
    env "${envs[@]}" "$PG_RESTORE" "$@"
}

drop_target() {
    printf 'DROP DATABASE IF EXISTS :"target" WITH (FORCE);\n' | target_psql -d postgres -v target="$TARGET" >/dev/null 2>&1
}

fail() {
    local code=$1 reason=$2 message=$3 duration
    DONE=1
    err "$message"
    if ((CREATED == 1 && KEEP == 0)); then
        drop_target || err "could not drop the scratch database '$TARGET'; the next run drops it"
    fi
    duration=$(elapsed_since "$START")
    log_json error restore_test.failed outcome=failure reason="$reason" error="$message" duration_s="$duration" \
        file="$DUMP" target_db="$TARGET" target_server="$RESTORE_PGHOST:$RESTORE_PGPORT"
    if [[ $SIGCERH_METRICS_DIR == /* ]]; then
        record_outcome 0 "$duration" "$reason"
    fi
    exit "$code"
}

on_lock_held() {
    DONE=1
    log_json error restore_test.failed outcome=failure reason=locked error="lock $1 held by another run"
    record_outcome 0 0 locked
}

TERMINATED=""
on_exit() {
    local rc=$?
    if ((DONE == 0 && rc != 0)); then
        if [[ -n $TERMINATED ]]; then
            fail "$rc" terminated "stopped by SIG$TERMINATED (run timeout in cron/systemd, or shutdown); the scratch database was dropped"
        fi
        fail "$rc" unexpected "unexpected error (exit $rc)"
    fi
    rm -rf -- "$WORK"
}
trap on_exit EXIT
trap 'TERMINATED=TERM; exit 143' TERM
trap 'TERMINATED=INT; exit 130' INT
trap 'TERMINATED=HUP; exit 129' HUP

# The scratch database is written and dropped: it may never be the source, a system database, or a name PostgreSQL
# would truncate (63 bytes) into another one.
if [[ -z $TARGET || $TARGET == *[[:cntrl:]]* ]]; then
    SETTING_ERRORS+=("--target-db '$TARGET' is empty or has control characters")
elif (($(LC_ALL=C; printf '%s' "$TARGET" | wc -c) > 63)); then
    SETTING_ERRORS+=("--target-db '$TARGET' is longer than 63 bytes; PostgreSQL would truncate it (use --target-db)")
elif [[ $TARGET == "$PGDATABASE" || $TARGET == postgres || $TARGET == template0 || $TARGET == template1 ]]; then
    err "refusing to restore over '$TARGET': the restore test only writes to a scratch database"
    DONE=1
    exit "$EXIT_CONFIG"
fi
if ! settings_ok; then
    fail "$EXIT_CONFIG" config "invalid configuration; nothing was done: ${SETTING_ERRORS[*]}"
fi

acquire_lock restore-test

PG_RESTORE=$(pg_tool pg_restore) || fail "$EXIT_CONFIG" config "pg_restore not available"
PSQL=$(pg_tool psql) || fail "$EXIT_CONFIG" config "psql not available"
if [[ -z ${RESTORE_PGPASSWORD:-} ]]; then
    require_pg_password || fail "$EXIT_CONFIG" missing_password "no database password configured for user $RESTORE_PGUSER"
fi

# --- 1. pick and check the dump ----------------------------------------------------------------------------------------
HAVE_MANIFEST=0
if [[ -z $DUMP ]]; then
    NIGHTLIES=()
    list_nightlies "$BACKUP_DIR" "$PGDATABASE" "$RUN_EPOCH" NIGHTLIES
    ((${#NIGHTLIES[@]} > 0)) || fail "$EXIT_FAILED" no_backup "no nightly backup of $PGDATABASE (a .dump with its .manifest) in $BACKUP_DIR; $IGNORED_DUMPS other .dump file(s) ignored (see docs/runbooks/backup-fallido.md)"
    DUMP=${NIGHTLIES[0]}
fi
[[ -f $DUMP && -r $DUMP ]] || fail "$EXIT_CONFIG" config "cannot read dump $DUMP"
if read_manifest "$DUMP"; then
    HAVE_MANIFEST=1
    expected=${MANIFEST[sha256]:-}
    DB_SIZE=${MANIFEST[database_size_bytes]:-}
    [[ $DB_SIZE =~ ^[0-9]{1,15}$ ]] || fail "$EXIT_FAILED" manifest "the manifest of $DUMP has no database_size_bytes"
    DB_SIZE=$((10#$DB_SIZE))
    grep '^table=' "$DUMP.manifest" | cut -c7- >"$WORK/expected.counts" || true
elif [[ -f $DUMP.sha256 ]]; then
    expected=$(cut -d' ' -f1 "$DUMP.sha256")
    DB_SIZE=$(($(stat -c %s "$DUMP") * RESTORE_NO_MANIFEST_FACTOR))
else
    expected=""
fi
if [[ ! ${expected:-} =~ ^[0-9a-f]{64}$ ]]; then
    fail "$EXIT_FAILED" checksum_missing "$DUMP has no checksum (no manifest and no .sha256): refusing to test a dump that cannot be verified"
fi
actual=$(sha256sum <"$DUMP" | cut -d' ' -f1)
[[ $expected == "$actual" ]] || fail "$EXIT_FAILED" checksum "checksum mismatch for $DUMP: the file is damaged (expected $expected, got $actual)"

if ! conn_err=$(target_psql -d postgres -c 'SELECT 1' 2>&1 >/dev/null); then
    fail "$EXIT_FAILED" unreachable "cannot connect to the restore cluster at $RESTORE_PGHOST:$RESTORE_PGPORT as $RESTORE_PGUSER: ${conn_err//$'\n'/ }"
fi

# --- 2. a leftover scratch database of a crashed run is ours to drop; anything else is refused ---------------------------
mark=$(printf "SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database WHERE datname = :'target';\n" |
    target_psql -d postgres -v target="$TARGET") || fail "$EXIT_FAILED" unreachable "cannot list databases on $RESTORE_PGHOST:$RESTORE_PGPORT"
if [[ -n $mark || $(printf "SELECT count(*) FROM pg_database WHERE datname = :'target';\n" | target_psql -d postgres -v target="$TARGET") != 0 ]]; then
    if [[ $mark != "$SCRATCH_MARK" ]]; then
        fail "$EXIT_CONFIG" target_exists "database '$TARGET' already exists on $RESTORE_PGHOST:$RESTORE_PGPORT and is not a scratch database of this script; drop it or choose another --target-db"
    fi
    drop_target || fail "$EXIT_FAILED" drop_failed "cannot drop the leftover scratch database '$TARGET'"
    log_json warn restore_test.leftover_dropped target_db="$TARGET"
    info "dropped the leftover scratch database '$TARGET' of an earlier interrupted run"
fi

# --- 3. space on the target's data volume ------------------------------------------------------------------------------
if [[ -n ${RESTORE_DATA_DIR+set} ]]; then
    DATA_DIR=$RESTORE_DATA_DIR
    [[ -d $DATA_DIR ]] || fail "$EXIT_CONFIG" config "RESTORE_DATA_DIR='$DATA_DIR' is not a folder"
else
    DATA_DIR=$(target_psql -d postgres -c 'SHOW data_directory' 2>/dev/null || true)
    pid_port=""
    [[ -n $DATA_DIR && -r $DATA_DIR/postmaster.pid ]] && pid_port=$(sed -n 4p "$DATA_DIR/postmaster.pid" 2>/dev/null || true)
    if [[ $pid_port != "$RESTORE_PGPORT" ]]; then
        fail "$EXIT_CONFIG" space_unknown "cannot measure the free space of the restore cluster's data volume (data_directory '${DATA_DIR:-?}' is not visible on this machine as the cluster on port $RESTORE_PGPORT); set RESTORE_DATA_DIR to the host folder of that volume"
    fi
fi
MAX_WAL=$(target_psql -d postgres -c "SELECT pg_size_bytes(current_setting('max_wal_size'))" 2>/dev/null || echo 1073741824)
WAL_ROOM=$((DB_SIZE < MAX_WAL ? DB_SIZE : MAX_WAL))
NEEDED=$((DB_SIZE * (100 + RESTORE_SPACE_MARGIN_PERCENT) / 100 + WAL_ROOM + RESTORE_MIN_FREE_MB * 1024 * 1024))
FREE=$(free_bytes "$DATA_DIR")
if ((FREE < NEEDED)); then
    fail "$EXIT_NO_SPACE" no_space "not restoring: the data volume of the restore cluster ($DATA_DIR) has $(human_bytes "$FREE") free, the restore needs $(human_bytes "$NEEDED") (database $(human_bytes "$DB_SIZE") + ${RESTORE_SPACE_MARGIN_PERCENT}% + WAL $(human_bytes "$WAL_ROOM") + ${RESTORE_MIN_FREE_MB} MB kept free); nothing was written. Use a separate restore cluster (RESTORE_PGHOST/RESTORE_PGPORT) or free space"
fi

# --- 4. restore into the scratch database ------------------------------------------------------------------------------
printf 'CREATE DATABASE :"target" TEMPLATE template0;\n' | target_psql -d postgres -v target="$TARGET" >/dev/null 2>"$WORK/create.err" ||
    fail "$EXIT_FAILED" create_failed "cannot create scratch database $TARGET: $(tr '\n' ' ' <"$WORK/create.err")"
CREATED=1
printf 'COMMENT ON DATABASE :"target" IS :'"'"'mark'"'"';\n' | target_psql -d postgres -v target="$TARGET" -v mark="$SCRATCH_MARK" >/dev/null ||
    fail "$EXIT_FAILED" create_failed "cannot mark the scratch database $TARGET"
info "restoring $(basename "$DUMP") into $TARGET on $RESTORE_PGHOST:$RESTORE_PGPORT"
if ! target_restore "${OWNER_FLAGS[@]}" --exit-on-error -d "$(conninfo_dbname "$TARGET")" "$DUMP" 2>"$WORK/restore.err"; then
    fail "$EXIT_FAILED" restore_failed "pg_restore failed: $(head -c 2000 "$WORK/restore.err" | tr '\n' ' ')"
fi

# --- 5. compare row counts ------------------------------------------------------------------------------------------------
row_count_sql >"$WORK/count.sql"
target_psql -F '|' -d "$(conninfo_dbname "$TARGET")" -f "$WORK/count.sql" >"$WORK/restored.counts" 2>"$WORK/count.err" ||
    fail "$EXIT_FAILED" count_failed "cannot count rows in $TARGET: $(tr '\n' ' ' <"$WORK/count.err")"
# The live source is optional (a separate restore cluster, or a disaster with no source at all).
source_ok=0
if "$PSQL" -X -q -At -F '|' -v ON_ERROR_STOP=1 -f "$WORK/count.sql" >"$WORK/source.counts" 2>/dev/null; then
    source_ok=1
fi
if ((HAVE_MANIFEST)); then
    compared_with=manifest
elif ((source_ok)); then
    compared_with=live_source
    cp "$WORK/source.counts" "$WORK/expected.counts"
else
    fail "$EXIT_FAILED" nothing_to_compare "$DUMP has no manifest and the source database $PGDATABASE is not reachable: nothing to compare the restored row counts with"
fi
# Lines are "count|name"; the name (a quoted identifier) is everything after the first "|".
diffs=$(awk 'function key(l) { return substr(l, index(l, "|") + 1) } function val(l) { return substr(l, 1, index(l, "|") - 1) }
             NR == FNR { want[key($0)] = val($0); next }
             { got[key($0)] = val($0) }
             END {
               for (t in want) if (!(t in got)) printf "%s expected=%s restored=missing\n", t, want[t];
               for (t in got) if (!(t in want)) printf "%s expected=missing restored=%s\n", t, got[t];
               for (t in want) if ((t in got) && want[t] != got[t]) printf "%s expected=%s restored=%s\n", t, want[t], got[t];
             }' "$WORK/expected.counts" "$WORK/restored.counts" | sort)
TABLES=$(grep -c . "$WORK/restored.counts" || true)
ROWS=$(awk -F'|' '{ s += $1 } END { print s + 0 }' "$WORK/restored.counts")
only_in_source=""
if ((source_ok)); then
    only_in_source=$(awk 'NR == FNR { r[substr($0, index($0, "|") + 1)] = 1; next } !(substr($0, index($0, "|") + 1) in r) { print substr($0, index($0, "|") + 1) }' \
        "$WORK/restored.counts" "$WORK/source.counts" | tr '\n' ' ')
fi

if [[ -n $diffs ]]; then
    printf '%s\n' "$diffs" >&2
    fail "$EXIT_FAILED" count_mismatch "row counts of the restored database differ from the $compared_with: ${diffs//$'\n'/; }"
fi

# --- 6. clean up and report ----------------------------------------------------------------------------------------------
if ((KEEP == 0)); then
    drop_target || fail "$EXIT_FAILED" drop_failed "the restore passed but the scratch database '$TARGET' could not be dropped"
    CREATED=0
else
    printf 'COMMENT ON DATABASE :"target" IS NULL;\n' | target_psql -d postgres -v target="$TARGET" >/dev/null || true
    info "kept the restored database '$TARGET' (--keep)"
fi
DURATION=$(elapsed_since "$START")
DONE=1
log_json info restore_test.completed outcome=success duration_s="$DURATION" size_bytes="$(stat -c %s "$DUMP")" \
    file="$DUMP" target_db="$TARGET" target_server="$RESTORE_PGHOST:$RESTORE_PGPORT" kept="$KEEP" tables="$TABLES" \
    rows="$ROWS" compared_with="$compared_with" free_bytes_before="$FREE" needed_bytes="$NEEDED" \
    tables_only_in_source="${only_in_source% }"
record_outcome 1 "$DURATION"
