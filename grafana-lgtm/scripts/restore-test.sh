#!/usr/bin/env bash
# Monthly restore test (and manual restore into a scratch database) for SIGCERH backups.
#
#   restore-test.sh [--file DUMP] [--target-db NAME] [--keep] [--with-owners]
#
# 1. Picks the newest dump in BACKUP_DIR (or --file), and checks its .sha256.
# 2. Restores it with pg_restore into a scratch database (default <PGDATABASE>_restore_test) on the same server.
#    The scratch database is dropped and re-created; the source database is never touched.
# 3. Counts the rows of every table in the restored database and compares them with the dump's manifest
#    (<dump>.counts, the exact counts taken by backup-db.sh in the dump's own snapshot). Without a manifest, it
#    compares with the live source database. It also lists tables that exist in the source but not in the dump.
# 4. Drops the scratch database (unless --keep) and records the outcome: Prometheus textfile
#    (sigcerh_restore_test.prom), optional OTLP/HTTP push, JSON log line.
#
# --keep leaves the restored database in place, to inspect it or to promote it after a disaster
# (docs/backups.md explains how). --with-owners restores the original owners and privileges (the roles must exist
# on the server); by default objects are owned by the restoring user (--no-owner --no-privileges).
# Exit codes: 0 ok, 1 restore or count check failed, 2 bad input, 3 another restore test is running.
# Configuration: the same PG*, PG_BIN_DIR, BACKUP_DIR and SIGCERH_* variables as backup-db.sh.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SIGCERH_SCRIPT_NAME=restore-test
# shellcheck source=lib.sh
source "$SCRIPT_DIR/lib.sh"

export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}" PGDATABASE="${PGDATABASE:-sigcerh}"
export PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-10}"
BACKUP_DIR="${BACKUP_DIR:-/var/backups/sigcerh}"
DEFAULT_TARGET="${PGDATABASE}_restore_test"
TARGET="$DEFAULT_TARGET"
DUMP=""
KEEP=0
OWNER_FLAGS=(--no-owner --no-privileges)

while [[ $# -gt 0 ]]; do
    case $1 in
    --file) DUMP=${2:?--file needs a path}; shift 2 ;;
    --target-db) TARGET=${2:?--target-db needs a name}; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --with-owners) OWNER_FLAGS=(); shift ;;
    -h | --help) sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) err "unknown argument '$1' (see --help)"; exit "$EXIT_CONFIG" ;;
    esac
done

START=$(monotonic_now)
RUN_EPOCH=$(now_epoch)
CREATED=0
DONE=0
WORK=$(mktemp -d)

record_outcome() {
    local status=$1 duration=$2 last_success content
    if ((status == 1)); then
        last_success=$RUN_EPOCH
    else
        last_success=$(read_prom_value sigcerh_restore_test sigcerh_restore_test_last_success_timestamp_seconds)
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
    write_prom_file sigcerh_restore_test "$content" || true
    local gauges=("sigcerh_restore_test_last_status $status" "sigcerh_restore_test_last_run_timestamp_seconds $RUN_EPOCH"
        "sigcerh_restore_test_last_duration_seconds $duration")
    [[ -n $last_success ]] && gauges+=("sigcerh_restore_test_last_success_timestamp_seconds $last_success")
    push_otlp_gauges "${gauges[@]}"
}

drop_target() {
    "$PSQL" -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$TARGET\" WITH (FORCE)" >/dev/null 2>&1 || true
}

fail() {
    local code=$1 reason=$2 message=$3 duration
    err "$message"
    if ((CREATED == 1 && KEEP == 0)); then
        drop_target
    fi
    duration=$(elapsed_since "$START")
    log_json error restore_test.failed outcome=failure reason="$reason" error="$message" duration_s="$duration" \
        file="$DUMP" target_db="$TARGET"
    record_outcome 0 "$duration"
    DONE=1
    exit "$code"
}

on_exit() {
    local rc=$?
    rm -rf -- "$WORK"
    if ((DONE == 0 && rc != 0 && rc != EXIT_LOCKED)); then
        DONE=1
        fail "$rc" unexpected "interrupted or unexpected error (exit $rc)"
    fi
}
trap on_exit EXIT
trap 'exit 1' INT TERM HUP

if [[ ! $TARGET =~ ^[a-z_][a-z0-9_]*$ ]]; then
    err "--target-db must be a plain lower-case name ([a-z0-9_]), got '$TARGET'"
    exit "$EXIT_CONFIG"
fi
if [[ $TARGET == "$PGDATABASE" || $TARGET == postgres || $TARGET == template0 || $TARGET == template1 ]]; then
    err "refusing to restore over '$TARGET': the restore test only writes to a scratch database"
    exit "$EXIT_CONFIG"
fi

acquire_lock restore-test

PG_RESTORE=$(pg_tool pg_restore) || fail "$EXIT_CONFIG" config "pg_restore not available"
PSQL=$(pg_tool psql) || fail "$EXIT_CONFIG" config "psql not available"
require_pg_password || fail "$EXIT_CONFIG" missing_password "no database password configured for user $PGUSER"

# --- 1. pick and check the dump ----------------------------------------------------------------------------------------
if [[ -z $DUMP ]]; then
    for f in "$BACKUP_DIR/sigcerh-$PGDATABASE-"*.dump; do
        [[ -f $f ]] && DUMP=$f
    done
    [[ -n $DUMP ]] || fail "$EXIT_FAILED" no_backup "no backup sigcerh-$PGDATABASE-*.dump found in $BACKUP_DIR (see docs/runbooks/backup-fallido.md)"
fi
[[ -r $DUMP ]] || fail "$EXIT_CONFIG" config "cannot read dump $DUMP"
if [[ -f $DUMP.sha256 ]]; then
    expected=$(cut -d' ' -f1 "$DUMP.sha256")
    actual=$(sha256sum <"$DUMP" | cut -d' ' -f1)
    [[ $expected == "$actual" ]] || fail "$EXIT_FAILED" checksum "checksum mismatch for $DUMP: the file is damaged"
fi

if ! conn_err=$("$PSQL" -X -q -At -d postgres -c 'SELECT 1' 2>&1 >/dev/null); then
    fail "$EXIT_FAILED" unreachable "cannot connect to PostgreSQL at $PGHOST:$PGPORT as $PGUSER: ${conn_err//$'\n'/ }"
fi

# --- 2. restore into the scratch database ------------------------------------------------------------------------------
exists=$("$PSQL" -X -q -At -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$TARGET'")
if [[ $exists == 1 && $TARGET != "$DEFAULT_TARGET" ]]; then
    fail "$EXIT_CONFIG" target_exists "database '$TARGET' already exists; drop it first or choose another --target-db"
fi
drop_target
"$PSQL" -X -q -d postgres -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$TARGET\" TEMPLATE template0" >/dev/null 2>"$WORK/create.err" ||
    fail "$EXIT_FAILED" create_failed "cannot create scratch database $TARGET: $(tr '\n' ' ' <"$WORK/create.err")"
CREATED=1
info "restoring $(basename "$DUMP") into $TARGET"
if ! "$PG_RESTORE" "${OWNER_FLAGS[@]}" --exit-on-error -d "$TARGET" "$DUMP" 2>"$WORK/restore.err"; then
    fail "$EXIT_FAILED" restore_failed "pg_restore failed: $(head -c 2000 "$WORK/restore.err" | tr '\n' ' ')"
fi

# --- 3. compare row counts ------------------------------------------------------------------------------------------------
row_count_sql >"$WORK/count.sql"
"$PSQL" -X -q -At -F '|' -v ON_ERROR_STOP=1 -d "$TARGET" -f "$WORK/count.sql" >"$WORK/restored.counts" 2>"$WORK/count.err" ||
    fail "$EXIT_FAILED" count_failed "cannot count rows in $TARGET: $(tr '\n' ' ' <"$WORK/count.err")"
"$PSQL" -X -q -At -F '|' -v ON_ERROR_STOP=1 -d "$PGDATABASE" -f "$WORK/count.sql" >"$WORK/source.counts" 2>"$WORK/count.err" ||
    fail "$EXIT_FAILED" count_failed "cannot count rows in the source database $PGDATABASE: $(tr '\n' ' ' <"$WORK/count.err")"

if [[ -f $DUMP.counts ]]; then
    compared_with=manifest
    cp "$DUMP.counts" "$WORK/expected.counts"
else
    compared_with=live_source
    cp "$WORK/source.counts" "$WORK/expected.counts"
fi
# Differences: "table expected=N restored=M".
diffs=$(awk -F'|' 'NR == FNR { want[$1] = $2; next }
                   { got[$1] = $2 }
                   END {
                     for (t in want) if (!(t in got)) printf "%s expected=%s restored=missing\n", t, want[t];
                     for (t in got) if (!(t in want)) printf "%s expected=missing restored=%s\n", t, got[t];
                     for (t in want) if ((t in got) && want[t] != got[t]) printf "%s expected=%s restored=%s\n", t, want[t], got[t];
                   }' "$WORK/expected.counts" "$WORK/restored.counts" | sort)
TABLES=$(grep -c . "$WORK/restored.counts" || true)
ROWS=$(awk -F'|' '{ s += $2 } END { print s + 0 }' "$WORK/restored.counts")
only_in_source=$(awk -F'|' 'NR == FNR { r[$1] = 1; next } !($1 in r) { print $1 }' "$WORK/restored.counts" "$WORK/source.counts" | tr '\n' ' ')

if [[ -n $diffs ]]; then
    printf '%s\n' "$diffs" >&2
    fail "$EXIT_FAILED" count_mismatch "row counts of the restored database differ from the $compared_with: ${diffs//$'\n'/; }"
fi

# --- 4. clean up and report ----------------------------------------------------------------------------------------------
if ((KEEP == 0)); then
    drop_target
    CREATED=0
else
    info "kept the restored database '$TARGET' (--keep)"
fi
DURATION=$(elapsed_since "$START")
DONE=1
log_json info restore_test.completed outcome=success duration_s="$DURATION" size_bytes="$(stat -c %s "$DUMP")" \
    file="$DUMP" target_db="$TARGET" kept="$KEEP" tables="$TABLES" rows="$ROWS" compared_with="$compared_with" \
    tables_only_in_source="${only_in_source% }"
record_outcome 1 "$DURATION"
