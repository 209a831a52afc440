#!/usr/bin/env bash
# Installs the SIGCERH maintenance schedule on the server (run as root from the repo clone).
#
#   install.sh --systemd | --cron  [--root DIR]
#
# - creates /etc/sigcerh/maintenance.env (from maintenance.env.example, mode 600) if it does not exist yet;
# - creates /var/backups/sigcerh (700), /var/lib/sigcerh/metrics and /var/log/sigcerh;
# - links /scripts to this folder, so the runbooks' /scripts/clean-logs.sh works;
# - --systemd: installs the units of systemd/ into /etc/systemd/system, then enables the timers;
#   --cron: installs cron/sigcerh-maintenance as /etc/cron.d/sigcerh-maintenance.
# Unit and cron paths are rewritten from /opt/sigcerh/telemetry to where this repo really is.
# --root DIR installs under DIR instead of / (for tests; no systemctl call then).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/../.." && pwd)
ROOT=/
MODE=""

while [[ $# -gt 0 ]]; do
    case $1 in
    --systemd) MODE=systemd; shift ;;
    --cron) MODE=cron; shift ;;
    --root) ROOT=${2:?--root needs a folder}; shift 2 ;;
    -h | --help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: ERROR: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
if [[ -z $MODE ]]; then
    echo "install.sh: ERROR: choose --systemd or --cron" >&2
    exit 2
fi
ROOT=${ROOT%/}
if [[ -z $ROOT && $(id -u) -ne 0 ]]; then
    echo "install.sh: ERROR: run as root (sudo)" >&2
    exit 2
fi

rewrite() { sed "s#/opt/sigcerh/telemetry#$REPO_DIR#g" "$1"; }

install -d -m 0755 "$ROOT/etc/sigcerh" "$ROOT/var/lib/sigcerh/metrics" "$ROOT/var/log/sigcerh"
install -d -m 0700 "$ROOT/var/backups/sigcerh"
if [[ ! -e $ROOT/etc/sigcerh/maintenance.env ]]; then
    install -m 0600 "$SCRIPT_DIR/maintenance.env.example" "$ROOT/etc/sigcerh/maintenance.env"
    echo "created $ROOT/etc/sigcerh/maintenance.env: review it and create the PGPASSFILE it names"
else
    echo "kept the existing $ROOT/etc/sigcerh/maintenance.env"
fi
if [[ -L $ROOT/scripts || ! -e $ROOT/scripts ]]; then
    ln -sfn "$SCRIPT_DIR" "$ROOT/scripts"
    echo "linked $ROOT/scripts -> $SCRIPT_DIR"
else
    echo "install.sh: WARNING: $ROOT/scripts exists and is not a link; left it alone" >&2
fi

case $MODE in
systemd)
    install -d -m 0755 "$ROOT/etc/systemd/system"
    for unit in "$SCRIPT_DIR"/systemd/sigcerh-*.service "$SCRIPT_DIR"/systemd/sigcerh-*.timer; do
        rewrite "$unit" >"$ROOT/etc/systemd/system/$(basename "$unit")"
        chmod 0644 "$ROOT/etc/systemd/system/$(basename "$unit")"
    done
    if [[ -f $ROOT/etc/cron.d/sigcerh-maintenance ]]; then
        rm -f "$ROOT/etc/cron.d/sigcerh-maintenance"
        echo "removed the cron schedule (systemd timers replace it)"
    fi
    if [[ -z $ROOT ]]; then
        systemctl daemon-reload
        systemctl enable --now sigcerh-backup.timer sigcerh-cleanup.timer sigcerh-restore-test.timer sigcerh-health-sweep.timer
        systemctl list-timers 'sigcerh-*'
    fi
    ;;
cron)
    install -d -m 0755 "$ROOT/etc/cron.d"
    rewrite "$SCRIPT_DIR/cron/sigcerh-maintenance" >"$ROOT/etc/cron.d/sigcerh-maintenance"
    chmod 0644 "$ROOT/etc/cron.d/sigcerh-maintenance"
    echo "installed $ROOT/etc/cron.d/sigcerh-maintenance"
    ;;
esac
echo "done. Next: sudo /scripts/backup-db.sh && sudo /scripts/health-sweep.sh (docs/backups.md)"
