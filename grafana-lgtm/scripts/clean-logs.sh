#!/usr/bin/env bash
# Daily log cleanup for the SIGCERH server: covers the logs that nobody else rotates.
#
#   clean-logs.sh [--dry-run]
#
# 1. Validates every setting first. Each folder is canonicalised (realpath -m: "//", "/.", "..", trailing "/" and
#    symlinks resolved) and must sit under SIGCERH_LOG_ALLOWED_PREFIXES; system folders ("/", "/var", "/var/log",
#    "/tmp", "/opt", "/home", ...), mount points and relative elements are refused, and one refused element refuses
#    the whole run (exit 2, nothing done), so a one-space typo never turns into another folder.
# 2. Rotates the live files in SIGCERH_ROTATE_FILES (nginx access/error logs written to a host folder, and the
#    maintenance JSON log) in "copytruncate" style: copy to <file>-YYYYMMDD.gz, then truncate the live file,
#    so nginx and the collector keep writing/reading the same inode. Empty files and files already rotated
#    today are skipped. Each file's folder must also sit under SIGCERH_LOG_ALLOWED_PREFIXES.
# 3. Deletes ROTATED log files older than LOG_RETENTION_DAYS in SIGCERH_LOG_DIRS (find -xdev, depth <= 2, regular
#    files only) whose names match one of these patterns, and nothing else:
#      *.log.N *.log.N.gz *.json.N *.json.N.gz          (logrotate numbering)
#      *.log-DATE *.log-DATE.gz *.json-DATE.gz          (dateext rotations, ours and logrotate's)
#      sigcerh-<service>-YYYYMMDD[_NNN].json            (the package's daily files)
#      postgresql-YYYY-MM-DD_HHMMSS.log                 (PostgreSQL's logging collector)
#    A file some process holds open (seen through /proc, also for processes in containers) is live and never deleted,
#    and neither is the newest file of each dated series (today's package file, PostgreSQL's current log while idle).
#    Live names (access.log, postgresql-15-main.log, maintenance.json), symlinks and other file types never match.
#
# Configuration (unset = the default below; empty = skip that step, logged):
#   LOG_RETENTION_DAYS=30
#   SIGCERH_LOG_DIRS="/var/log/sigcerh /var/log/nginx /var/log/postgresql /opt/sigcerh/app/backend/logs /opt/sigcerh/app/ocr/logs"
#   SIGCERH_ROTATE_FILES="/var/log/nginx/access.log /var/log/nginx/error.log /var/log/sigcerh/maintenance.json"
#   SIGCERH_LOG_ALLOWED_PREFIXES= the same five folders as SIGCERH_LOG_DIRS
# Exit codes: 0 ok, 2 bad configuration, 3 another cleanup is running.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SIGCERH_SCRIPT_NAME=clean-logs
# shellcheck source=lib.sh
source "$SCRIPT_DIR/lib.sh"

DEFAULT_LOG_DIRS="/var/log/sigcerh /var/log/nginx /var/log/postgresql /opt/sigcerh/app/backend/logs /opt/sigcerh/app/ocr/logs"
DRY_RUN=0
while [[ $# -gt 0 ]]; do
    case $1 in
    --dry-run) DRY_RUN=1; shift ;;
    -h | --help) sed -n '2,32p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) err "unknown argument '$1' (see --help)"; exit "$EXIT_CONFIG" ;;
    esac
done

# Filled by setting_list through a nameref.
# shellcheck disable=SC2034
allowed=() log_dirs=() rotate_files=()
setting_int LOG_RETENTION_DAYS 30 1 36500
setting_list SIGCERH_LOG_ALLOWED_PREFIXES "$DEFAULT_LOG_DIRS" allowed
setting_list SIGCERH_LOG_DIRS "$DEFAULT_LOG_DIRS" log_dirs
setting_list SIGCERH_ROTATE_FILES "/var/log/nginx/access.log /var/log/nginx/error.log /var/log/sigcerh/maintenance.json" rotate_files
resolve_prefixes SIGCERH_LOG_ALLOWED_PREFIXES allowed
resolve_clean_dirs SIGCERH_LOG_DIRS log_dirs SIGCERH_LOG_ALLOWED_PREFIXES allowed
# Rotated files are written next to the live file: its folder obeys the same rules.
rotate_parents=()
for live in "${rotate_files[@]}"; do
    rotate_parents+=("$(dirname -- "$live")")
    [[ $live == /* ]] || SETTING_ERRORS+=("SIGCERH_ROTATE_FILES: '$live' is not an absolute path (value '${SIGCERH_ROTATE_FILES-}')")
done
resolve_clean_dirs SIGCERH_ROTATE_FILES rotate_parents SIGCERH_LOG_ALLOWED_PREFIXES allowed
settings_ok || exit "$EXIT_CONFIG"

acquire_lock clean-logs
START=$(monotonic_now)
NOW=$(now_epoch)
TODAY=$(date -u -d "@$NOW" +%Y%m%d)
rotated=0
deleted=0
kept_live=0
freed=0

# --- 1. rotate --------------------------------------------------------------------------------------------------------------
if ((${#rotate_files[@]} == 0)); then
    log_skipped rotate SIGCERH_ROTATE_FILES
fi
for live in "${rotate_files[@]}"; do
    [[ -f $live && ! -L $live && -s $live ]] || continue
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
# Digits of a date: D8 = YYYYMMDD.
D8='[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'
ROTATED_PATTERNS=(
    -name '*.log.[1-9]' -o -name '*.log.[1-9][0-9]' -o -name '*.log.[1-9].gz' -o -name '*.log.[1-9][0-9].gz'
    -o -name '*.json.[1-9]' -o -name '*.json.[1-9].gz'
    -o -name "*.log-$D8" -o -name "*.log-$D8.gz" -o -name "*.log-$D8-[0-9]*.gz" -o -name "*.json-$D8.gz"
    -o -name "sigcerh-*-$D8.json" -o -name "sigcerh-*-${D8}_[0-9][0-9][0-9].json"
    -o -name 'postgresql-[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]_[0-9][0-9][0-9][0-9][0-9][0-9].log'
)

# Series key of an uncompressed dated file (digits and "_" removed): the newest file of a series may still be live.
series_key() {
    local n=${1##*/}
    n=${n//[0-9_]/}
    printf '%s/%s' "${1%/*}" "$n"
}

if ((${#log_dirs[@]} == 0)); then
    log_skipped delete SIGCERH_LOG_DIRS
fi
load_open_files
if ((OPEN_FILES_COMPLETE == 0)); then
    info "WARNING: not running as root: files held open by other users' processes cannot be seen"
fi
for dir in "${log_dirs[@]}"; do
    [[ -d $dir ]] || continue
    # Newest member of every dated, uncompressed series (also recent ones, so the series is complete).
    declare -A newest_of=() newest_mtime=()
    while IFS= read -r -d '' rec; do
        mtime=${rec%% *}
        mtime=${mtime%.*}
        f=${rec#* }
        key=$(series_key "$f")
        # Ties (same mtime) go to the later name: dated names sort by time.
        if [[ -z ${newest_mtime[$key]:-} ]] || ((mtime > newest_mtime[$key])) ||
            { ((mtime == newest_mtime[$key])) && [[ $f > ${newest_of[$key]} ]]; }; then
            newest_mtime[$key]=$mtime
            newest_of[$key]=$f
        fi
    done < <(find "$dir" -xdev -maxdepth 2 -type f \( -name "sigcerh-*-$D8*.json" -o -name 'postgresql-*.log' \) -printf '%T@ %p\0')
    while IFS= read -r -d '' rec; do
        id=${rec%% *}
        rest=${rec#* }
        size=${rest%% *}
        f=${rest#* }
        if [[ -n ${OPEN_FILES[$id]:-} ]]; then
            info "keeping $f: a process holds it open (live log)"
            kept_live=$((kept_live + 1))
            continue
        fi
        if [[ $f != *.gz && $f != *.[0-9] && ${newest_of[$(series_key "$f")]:-} == "$f" ]]; then
            info "keeping $f: newest file of its series (may still be written)"
            kept_live=$((kept_live + 1))
            continue
        fi
        if ((DRY_RUN)); then
            info "would delete $f"
        else
            rm -f -- "$f" || continue
        fi
        deleted=$((deleted + 1))
        freed=$((freed + size))
    done < <(find "$dir" -xdev -maxdepth 2 -type f -mtime +"$((LOG_RETENTION_DAYS - 1))" \( "${ROTATED_PATTERNS[@]}" \) \
        ! -name '*.incomplete' -printf '%D:%i %s %p\0')
    unset newest_of newest_mtime
done

log_json info logs.cleaned outcome=success dry_run="$DRY_RUN" rotated="$rotated" files_deleted="$deleted" \
    files_kept_live="$kept_live" bytes_freed="$freed" retention_days="$LOG_RETENTION_DAYS" duration_s="$(elapsed_since "$START")"
