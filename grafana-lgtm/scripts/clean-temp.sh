#!/usr/bin/env bash
# Daily cleanup of temporary and stale upload files; Docker cleanup only on request.
#
#   clean-temp.sh [--dry-run] [--docker]
#
# - Validates every setting first. Each folder is canonicalised (realpath -m: "//", "/.", "..", trailing "/" and
#   symlinks resolved) and must sit under SIGCERH_TEMP_ALLOWED_PREFIXES; system folders ("/", "/tmp", "/var", "/opt",
#   "/home", "/opt/sigcerh/data", ...), mount points and relative elements are refused, and one refused element
#   refuses the whole run (exit 2, nothing done): '/opt/sigcerh/data/ tmp' is an error, never "/opt/sigcerh/data".
# - Deletes regular files and symlinks (never what they point to) older than TEMP_MAX_AGE_HOURS in SIGCERH_TEMP_DIRS,
#   and older than UPLOAD_MAX_AGE_DAYS in SIGCERH_UPLOAD_TMP_DIRS (unfinished or abandoned uploads), then the empty
#   sub-folders it left. It stays on one filesystem (find -xdev), skips files a process holds open (an upload or an
#   OCR job in progress) and never touches sockets, pipes or devices.
# - --docker also removes unused Docker images and build cache older than DOCKER_PRUNE_UNTIL (default 168h):
#   "docker image prune -a" and "docker builder prune". Never without the flag. Volumes are never touched.
#
# Configuration (unset = the default below; empty = skip that step, logged):
#   SIGCERH_TEMP_DIRS="/tmp/sigcerh /opt/sigcerh/data/tmp"           TEMP_MAX_AGE_HOURS=24
#   SIGCERH_UPLOAD_TMP_DIRS="/opt/sigcerh/data/uploads/tmp"          UPLOAD_MAX_AGE_DAYS=7
#   SIGCERH_TEMP_ALLOWED_PREFIXES="/tmp/sigcerh /var/tmp/sigcerh /opt/sigcerh/data/tmp /opt/sigcerh/data/uploads/tmp"
#   DOCKER_PRUNE_UNTIL=168h
# Exit codes: 0 ok, 1 docker prune failed, 2 bad configuration, 3 another cleanup is running.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SIGCERH_SCRIPT_NAME=clean-temp
# shellcheck source=lib.sh
source "$SCRIPT_DIR/lib.sh"

DRY_RUN=0
DOCKER=0

while [[ $# -gt 0 ]]; do
    case $1 in
    --dry-run) DRY_RUN=1; shift ;;
    --docker) DOCKER=1; shift ;;
    -h | --help) sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) err "unknown argument '$1' (see --help)"; exit "$EXIT_CONFIG" ;;
    esac
done
# Filled by setting_list through a nameref.
# shellcheck disable=SC2034
allowed=() temp_dirs=() upload_dirs=()
setting_int TEMP_MAX_AGE_HOURS 24 1 87600
setting_int UPLOAD_MAX_AGE_DAYS 7 1 3650
setting_text DOCKER_PRUNE_UNTIL 168h
if ! [[ $DOCKER_PRUNE_UNTIL =~ ^[0-9]{1,6}h$ ]]; then
    SETTING_ERRORS+=("DOCKER_PRUNE_UNTIL='$DOCKER_PRUNE_UNTIL' must look like 168h")
fi
setting_list SIGCERH_TEMP_ALLOWED_PREFIXES "/tmp/sigcerh /var/tmp/sigcerh /opt/sigcerh/data/tmp /opt/sigcerh/data/uploads/tmp" allowed
setting_list SIGCERH_TEMP_DIRS "/tmp/sigcerh /opt/sigcerh/data/tmp" temp_dirs
setting_list SIGCERH_UPLOAD_TMP_DIRS "/opt/sigcerh/data/uploads/tmp" upload_dirs
resolve_prefixes SIGCERH_TEMP_ALLOWED_PREFIXES allowed
resolve_clean_dirs SIGCERH_TEMP_DIRS temp_dirs SIGCERH_TEMP_ALLOWED_PREFIXES allowed
resolve_clean_dirs SIGCERH_UPLOAD_TMP_DIRS upload_dirs SIGCERH_TEMP_ALLOWED_PREFIXES allowed
settings_ok || exit "$EXIT_CONFIG"

acquire_lock clean-temp
START=$(monotonic_now)
deleted=0
freed=0

kept_open=0

# clean_dir DIR MAX_AGE_MINUTES (DIR is canonical and validated)
clean_dir() {
    local dir=$1 minutes=$2 rec id f size parent
    local -A parents=()
    [[ -d $dir ]] || return 0
    while IFS= read -r -d '' rec; do
        id=${rec%% *}
        rec=${rec#* }
        size=${rec%% *}
        f=${rec#* }
        if [[ -n ${OPEN_FILES[$id]:-} ]]; then
            info "keeping $f: a process holds it open"
            kept_open=$((kept_open + 1))
            continue
        fi
        if ((DRY_RUN)); then
            info "would delete $f"
        else
            rm -f -- "$f" || continue
        fi
        deleted=$((deleted + 1))
        freed=$((freed + size))
        parent=${f%/*}
        [[ $parent != "$dir" ]] && parents[$parent]=1
    done < <(find "$dir" -xdev -mindepth 1 \( -type f -o -type l \) -mmin +"$minutes" -printf '%D:%i %s %p\0')
    if ((DRY_RUN == 0)); then
        # Sub-folders emptied by this run (deepest first), then sub-folders that were already empty and old.
        if ((${#parents[@]} > 0)); then
            while IFS= read -r parent; do
                rmdir -- "$parent" 2>/dev/null || true
            done < <(printf '%s\n' "${!parents[@]}" | sort -r)
        fi
        find "$dir" -xdev -mindepth 1 -depth -type d -empty -mmin +"$minutes" -delete 2>/dev/null || true
    fi
}

load_open_files
((${#temp_dirs[@]} > 0)) || log_skipped temp SIGCERH_TEMP_DIRS
for d in "${temp_dirs[@]}"; do
    clean_dir "$d" "$((TEMP_MAX_AGE_HOURS * 60))"
done
((${#upload_dirs[@]} > 0)) || log_skipped uploads SIGCERH_UPLOAD_TMP_DIRS
for d in "${upload_dirs[@]}"; do
    clean_dir "$d" "$((UPLOAD_MAX_AGE_DAYS * 24 * 60))"
done

docker_outcome=skipped
if ((DOCKER)); then
    if ! command -v docker >/dev/null 2>&1; then
        err "--docker given but the docker command is not installed"
        log_json error temp.cleaned outcome=failure reason=no_docker files_deleted="$deleted" bytes_freed="$freed"
        exit "$EXIT_FAILED"
    fi
    if ((DRY_RUN)); then
        info "would run: docker image prune -a -f --filter until=$DOCKER_PRUNE_UNTIL; docker builder prune -a -f --filter until=$DOCKER_PRUNE_UNTIL"
        docker_outcome=dry_run
    elif docker image prune -a -f --filter "until=$DOCKER_PRUNE_UNTIL" >&2 &&
        docker builder prune -a -f --filter "until=$DOCKER_PRUNE_UNTIL" >&2; then
        docker_outcome=pruned
    else
        err "docker prune failed (is the Docker daemon running?)"
        log_json error temp.cleaned outcome=failure reason=docker_prune_failed files_deleted="$deleted" bytes_freed="$freed"
        exit "$EXIT_FAILED"
    fi
fi

log_json info temp.cleaned outcome=success dry_run="$DRY_RUN" files_deleted="$deleted" bytes_freed="$freed" \
    files_kept_open="$kept_open" docker="$docker_outcome" duration_s="$(elapsed_since "$START")"
