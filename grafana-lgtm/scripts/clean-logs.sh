#!/usr/bin/env bash
# Daily log cleanup for the SIGCERH server: covers the logs that nobody else rotates.
#
#   clean-logs.sh [--dry-run]
#
# 1. Rotates the live files in SIGCERH_ROTATE_FILES (nginx access/error logs written to a host folder, and the
#    maintenance JSON log) in "copytruncate" style: copy to <file>-YYYYMMDD.gz, then truncate the live file,
#    so nginx and the collector keep writing/reading the same inode. Empty files and files already rotated
#    today are skipped.
# 2. Deletes ROTATED log files older than LOG_RETENTION_DAYS in SIGCERH_LOG_DIRS: *.gz, *.1..*.9, names with a
#    YYYYMMDD date (the package's sigcerh-<service>-YYYYMMDD.json, nginx/maintenance rotations) and PostgreSQL's
#    postgresql-*.log. Live files (*.log, maintenance.json) are never deleted.
#
# The package's own JSON logs already roll daily and keep 30 files; this is the safety net for days with many
# size-capped files, and for nginx, PostgreSQL and the maintenance log.
#
# Configuration:
#   LOG_RETENTION_DAYS=30
#   SIGCERH_LOG_DIRS="/var/log/sigcerh /var/log/nginx /var/log/postgresql /opt/sigcerh/app/backend/logs /opt/sigcerh/app/ocr/logs"
#   SIGCERH_ROTATE_FILES="/var/log/nginx/access.log /var/log/nginx/error.log /var/log/sigcerh/maintenance.json"
# Exit codes: 0 ok, 2 bad configuration, 3 another cleanup is running.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SIGCERH_SCRIPT_NAME=clean-logs
# shellcheck source=lib.sh
source "$SCRIPT_DIR/lib.sh"

LOG_RETENTION_DAYS="${LOG_RETENTION_DAYS:-30}"
SIGCERH_LOG_DIRS="${SIGCERH_LOG_DIRS:-/var/log/sigcerh /var/log/nginx /var/log/postgresql /opt/sigcerh/app/backend/logs /opt/sigcerh/app/ocr/logs}"
SIGCERH_ROTATE_FILES="${SIGCERH_ROTATE_FILES:-/var/log/nginx/access.log /var/log/nginx/error.log /var/log/sigcerh/maintenance.json}"
DRY_RUN=0

while [[ $# -gt 0 ]]; do
    case $1 in
    --dry-run) DRY_RUN=1; shift ;;
    -h | --help) sed -n '2,23p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) err "unknown argument '$1' (see --help)"; exit "$EXIT_CONFIG" ;;
    esac
done
if ! [[ $LOG_RETENTION_DAYS =~ ^[0-9]+$ ]] || ((LOG_RETENTION_DAYS < 1)); then
    err "LOG_RETENTION_DAYS must be a whole number >= 1, got '$LOG_RETENTION_DAYS'"
    exit "$EXIT_CONFIG"
fi

acquire_lock clean-logs
START=$(monotonic_now)
TODAY=$(date -u -d "@$(now_epoch)" +%Y%m%d)
rotated=0
deleted=0
freed=0

# --- 1. rotate --------------------------------------------------------------------------------------------------------------
read -r -a rotate_files <<<"$SIGCERH_ROTATE_FILES"
for live in "${rotate_files[@]}"; do
    [[ -f $live && -s $live ]] || continue
    target="$live-$TODAY.gz"
    [[ -e $target ]] && continue
    if ((DRY_RUN)); then
        info "would rotate $live -> $target"
        rotated=$((rotated + 1))
        continue
    fi
    tmp="$target.incomplete"
    if gzip -c -- "$live" >"$tmp" && mv -f -- "$tmp" "$target"; then
        : >"$live"
        rotated=$((rotated + 1))
    else
        rm -f -- "$tmp"
        err "could not rotate $live (disk full?); left it untouched"
    fi
done

# --- 2. delete rotated files past retention -------------------------------------------------------------------------------
read -r -a log_dirs <<<"$SIGCERH_LOG_DIRS"
for dir in "${log_dirs[@]}"; do
    [[ -d $dir ]] || continue
    if [[ $dir != /* || $dir == / ]]; then
        err "skipping unsafe log folder '$dir' (must be an absolute path, not /)"
        continue
    fi
    while IFS= read -r -d '' f; do
        size=$(stat -c %s -- "$f" 2>/dev/null || echo 0)
        if ((DRY_RUN)); then
            info "would delete $f"
        else
            rm -f -- "$f" || continue
        fi
        deleted=$((deleted + 1))
        freed=$((freed + size))
    done < <(find "$dir" -xdev -maxdepth 2 -type f -mtime +"$((LOG_RETENTION_DAYS - 1))" \
        \( -name '*.gz' -o -name '*.[1-9]' -o -name '*[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]*' -o -name 'postgresql-*.log' \) \
        ! -name '*.incomplete' -print0)
done

log_json info logs.cleaned outcome=success dry_run="$DRY_RUN" rotated="$rotated" files_deleted="$deleted" \
    bytes_freed="$freed" retention_days="$LOG_RETENTION_DAYS" duration_s="$(elapsed_since "$START")"
