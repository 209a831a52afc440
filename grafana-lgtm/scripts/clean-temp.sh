#!/usr/bin/env bash
# Daily cleanup of temporary and stale upload files; Docker cleanup only on request.
#
#   clean-temp.sh [--dry-run] [--docker]
#
# - Deletes files older than TEMP_MAX_AGE_HOURS in SIGCERH_TEMP_DIRS, and files older than UPLOAD_MAX_AGE_DAYS in
#   SIGCERH_UPLOAD_TMP_DIRS (unfinished or abandoned uploads), then empty sub-folders. It stays on one filesystem
#   (find -xdev) and refuses "/" and relative paths.
# - --docker also removes unused Docker images and build cache older than DOCKER_PRUNE_UNTIL (default 168h):
#   "docker image prune -a" and "docker builder prune". Never without the flag. Volumes are never touched.
#
# Configuration:
#   SIGCERH_TEMP_DIRS="/tmp/sigcerh /opt/sigcerh/data/tmp"           TEMP_MAX_AGE_HOURS=24
#   SIGCERH_UPLOAD_TMP_DIRS="/opt/sigcerh/data/uploads/tmp"          UPLOAD_MAX_AGE_DAYS=7
#   DOCKER_PRUNE_UNTIL=168h
# Exit codes: 0 ok, 1 docker prune failed, 2 bad configuration, 3 another cleanup is running.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SIGCERH_SCRIPT_NAME=clean-temp
# shellcheck source=lib.sh
source "$SCRIPT_DIR/lib.sh"

SIGCERH_TEMP_DIRS="${SIGCERH_TEMP_DIRS:-/tmp/sigcerh /opt/sigcerh/data/tmp}"
SIGCERH_UPLOAD_TMP_DIRS="${SIGCERH_UPLOAD_TMP_DIRS:-/opt/sigcerh/data/uploads/tmp}"
TEMP_MAX_AGE_HOURS="${TEMP_MAX_AGE_HOURS:-24}"
UPLOAD_MAX_AGE_DAYS="${UPLOAD_MAX_AGE_DAYS:-7}"
DOCKER_PRUNE_UNTIL="${DOCKER_PRUNE_UNTIL:-168h}"
DRY_RUN=0
DOCKER=0

while [[ $# -gt 0 ]]; do
    case $1 in
    --dry-run) DRY_RUN=1; shift ;;
    --docker) DOCKER=1; shift ;;
    -h | --help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) err "unknown argument '$1' (see --help)"; exit "$EXIT_CONFIG" ;;
    esac
done
for v in TEMP_MAX_AGE_HOURS UPLOAD_MAX_AGE_DAYS; do
    if ! [[ ${!v} =~ ^[0-9]+$ ]] || ((${!v} < 1)); then
        err "$v must be a whole number >= 1, got '${!v}'"
        exit "$EXIT_CONFIG"
    fi
done
if ! [[ $DOCKER_PRUNE_UNTIL =~ ^[0-9]+h$ ]]; then
    err "DOCKER_PRUNE_UNTIL must look like 168h, got '$DOCKER_PRUNE_UNTIL'"
    exit "$EXIT_CONFIG"
fi

acquire_lock clean-temp
START=$(monotonic_now)
deleted=0
freed=0

# clean_dir DIR MAX_AGE_MINUTES
clean_dir() {
    local dir=$1 minutes=$2 f size parent
    local -A parents=()
    [[ -d $dir ]] || return 0
    if [[ $dir != /* || $dir == / || $dir == /tmp || $dir == /opt || $dir == /var ]]; then
        err "skipping unsafe folder '$dir' (use a dedicated absolute folder)"
        return 0
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
        parent=${f%/*}
        [[ $parent != "$dir" ]] && parents[$parent]=1
    done < <(find "$dir" -xdev -mindepth 1 \( -type f -o -type l \) -mmin +"$minutes" -print0)
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

read -r -a temp_dirs <<<"$SIGCERH_TEMP_DIRS"
for d in "${temp_dirs[@]}"; do
    clean_dir "$d" "$((TEMP_MAX_AGE_HOURS * 60))"
done
read -r -a upload_dirs <<<"$SIGCERH_UPLOAD_TMP_DIRS"
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
    docker="$docker_outcome" duration_s="$(elapsed_since "$START")"
