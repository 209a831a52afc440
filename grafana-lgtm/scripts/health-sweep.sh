#!/usr/bin/env bash
# Manual (and daily) health sweep of the SIGCERH server: prints one status table.
#
#   health-sweep.sh [--skip CHECK[,CHECK...]]
#
# Checks: every URL in SIGCERH_SWEEP_URLS (HTTP 2xx, slow answers, "Degraded" health bodies), PostgreSQL
# (pg_isready, login, connections in use), disk use of SWEEP_DISK_PATHS, RAM, CPU, the age of the newest nightly
# backup (by its manifest: manual copies and other databases never count),
# the last restore test, the observability containers (docker compose service state and health), failed sigcerh-*
# systemd units, pending OS updates, and the TLS certificate of every https URL.
# CHECK names for --skip: http, postgresql, disk, memory, cpu, backup, restore_test, containers, systemd, updates, tls.
#
# Exit code: 0 all OK, 1 at least one WARN, 2 at least one FAIL. A JSON summary line goes to the maintenance log.
#
# Configuration (defaults match the single-server layout in docs/manual-de-operaciones.md):
#   SIGCERH_SWEEP_URLS="name=url ..."      see DEFAULT_URLS below
#   SWEEP_TIMEOUT=30 SWEEP_RETRIES=3 SWEEP_RETRY_DELAY=2 SWEEP_SLOW_SECONDS=5 SWEEP_BACKUP_MAX_AGE_HOURS=26
#   SWEEP_DISK_PATHS="/ /var/lib/docker /var/backups/sigcerh"  disk WARN 80 % / FAIL 90 %
#   SWEEP_CONTAINERS="otel-collector loki tempo prometheus alertmanager grafana" (compose service names)
#   RAM WARN 85 % / FAIL 95 %, CPU WARN 90 % (same thresholds as the alerts)
#   PGHOST PGPORT PGUSER PGDATABASE PGPASSWORD/PGPASSFILE PG_BIN_DIR, BACKUP_DIR, SIGCERH_METRICS_DIR
#   SWEEP_PROC_DIR=/proc (tests point it at a fake /proc)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SIGCERH_SCRIPT_NAME=health-sweep
# shellcheck source=lib.sh
source "$SCRIPT_DIR/lib.sh"

DEFAULT_URLS="frontend=https://certificados.ugel.gob.pe backend=http://127.0.0.1:8080/api/health ocr=http://127.0.0.1:8000/health"
DEFAULT_URLS+=" grafana=http://127.0.0.1:3000/api/health"
setting_int SWEEP_TIMEOUT 30 1 3600
setting_int SWEEP_RETRIES 3 1 100
setting_int SWEEP_RETRY_DELAY 2 0 3600
setting_int SWEEP_SLOW_SECONDS 5 1 3600
setting_int SWEEP_BACKUP_MAX_AGE_HOURS 26 1 100000
# Filled by setting_list through a nameref.
# shellcheck disable=SC2034
url_pairs=() disk_paths=() services=()
setting_list SIGCERH_SWEEP_URLS "$DEFAULT_URLS" url_pairs
setting_list SWEEP_DISK_PATHS "/ /var/lib/docker /var/backups/sigcerh" disk_paths
setting_list SWEEP_CONTAINERS "otel-collector loki tempo prometheus alertmanager grafana" services
setting_path SWEEP_PROC_DIR /proc
setting_postgres_and_backup_dir
SKIP=","

while [[ $# -gt 0 ]]; do
    case $1 in
    --skip) SKIP+="${2:?--skip needs a list},"; shift 2 ;;
    -h | --help) sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) err "unknown argument '$1' (see --help)"; exit "$EXIT_CONFIG" ;;
    esac
done

settings_ok || exit "$EXIT_CONFIG"

ROWS=()
N_OK=0 N_WARN=0 N_FAIL=0
FAILED_CHECKS=""

# row CHECK STATUS DETAIL
row() {
    ROWS+=("$(printf '%-22s %-6s %s' "$1" "$2" "$3")")
    case $2 in
    OK) N_OK=$((N_OK + 1)) ;;
    WARN) N_WARN=$((N_WARN + 1)); FAILED_CHECKS+="$1 " ;;
    FAIL) N_FAIL=$((N_FAIL + 1)); FAILED_CHECKS+="$1 " ;;
    esac
}

skipped() { [[ $SKIP == *",$1,"* ]]; }

# level VALUE WARN FAIL -> OK|WARN|FAIL (integers)
level() {
    if (($1 >= $3)); then echo FAIL; elif (($1 >= $2)); then echo WARN; else echo OK; fi
}

# --- HTTP ----------------------------------------------------------------------------------------------------------------
check_http() {
    local name=$1 url=$2 attempt out code secs body status
    body=$(mktemp)
    for ((attempt = 1; attempt <= SWEEP_RETRIES; attempt++)); do
        out=$(curl -sS -k -o "$body" -w '%{http_code} %{time_total}' --max-time "$SWEEP_TIMEOUT" "$url" 2>"$body.err") || true
        code=${out%% *}
        [[ $code =~ ^2[0-9][0-9]$ ]] && break
        ((attempt < SWEEP_RETRIES)) && sleep "$SWEEP_RETRY_DELAY"
    done
    secs=${out##* }
    if [[ $code =~ ^2[0-9][0-9]$ ]]; then
        status=OK
        if grep -qiE '"status"[[:space:]]*:[[:space:]]*"degraded"' "$body"; then
            status=WARN
            row "$name" "$status" "HTTP $code in ${secs}s, health reports Degraded ($url)"
        elif awk -v s="$secs" -v lim="$SWEEP_SLOW_SECONDS" 'BEGIN { exit !(s > lim) }'; then
            row "$name" WARN "HTTP $code but slow: ${secs}s > ${SWEEP_SLOW_SECONDS}s ($url)"
        else
            row "$name" OK "HTTP $code in ${secs}s ($url)"
        fi
    elif [[ $code =~ ^[0-9]{3}$ && $code != 000 ]]; then
        row "$name" FAIL "HTTP $code after $SWEEP_RETRIES attempts ($url)"
    else
        row "$name" FAIL "no answer after $SWEEP_RETRIES attempts: $(tr '\n' ' ' <"$body.err" | cut -c1-120)($url)"
    fi
    rm -f -- "$body" "$body.err"
}

if ! skipped http; then
    ((${#url_pairs[@]} > 0)) || log_skipped http SIGCERH_SWEEP_URLS
    for pair in "${url_pairs[@]}"; do
        check_http "${pair%%=*}" "${pair#*=}"
    done
fi

# --- PostgreSQL ----------------------------------------------------------------------------------------------------------
if ! skipped postgresql; then
    if ! PG_ISREADY=$(pg_tool pg_isready 2>/dev/null) || ! PSQL=$(pg_tool psql 2>/dev/null); then
        row postgresql WARN "pg_isready/psql not installed; set PG_BIN_DIR"
    elif ! ready=$("$PG_ISREADY" -h "$PGHOST" -p "$PGPORT" -t 10 2>&1); then
        row postgresql FAIL "not accepting connections at $PGHOST:$PGPORT: $ready"
    elif ! require_pg_password 2>/dev/null; then
        row postgresql WARN "accepting connections at $PGHOST:$PGPORT; no password configured, login not tested"
    elif ! conn=$("$PSQL" -X -q -At -F ' ' -c "SELECT count(*), current_setting('max_connections') FROM pg_stat_activity" 2>&1); then
        row postgresql FAIL "server up but login as $PGUSER to $PGDATABASE failed: ${conn//$'\n'/ }"
    else
        used=${conn%% *}
        max=${conn##* }
        pct=$((used * 100 / max))
        row postgresql "$(level "$pct" 80 95)" "accepting connections; $used/$max connections in use"
    fi
fi

# --- disk -------------------------------------------------------------------------------------------------------------------
if ! skipped disk; then
    declare -A seen_fs=()
    ((${#disk_paths[@]} > 0)) || log_skipped disk SWEEP_DISK_PATHS
    for p in "${disk_paths[@]}"; do
        [[ -e $p ]] || continue
        line=$(df -P -- "$p" | awk 'NR == 2 { gsub("%", "", $5); print $6, $5, $4 }')
        read -r mount pct avail_kb <<<"$line"
        [[ -n ${seen_fs[$mount]:-} ]] && continue
        seen_fs[$mount]=1
        row "disk $mount" "$(level "$pct" 80 90)" "${pct}% used, $(human_bytes "$((avail_kb * 1024))") free"
    done
fi

# --- memory -----------------------------------------------------------------------------------------------------------------
if ! skipped memory; then
    if [[ -r $SWEEP_PROC_DIR/meminfo ]]; then
        read -r total avail < <(awk '/^MemTotal:/ { t = $2 } /^MemAvailable:/ { a = $2 } END { print t, a }' "$SWEEP_PROC_DIR/meminfo")
        pct=$(((total - avail) * 100 / total))
        row memory "$(level "$pct" 85 95)" "${pct}% used, $(human_bytes "$((avail * 1024))") available of $(human_bytes "$((total * 1024))")"
    else
        row memory WARN "cannot read $SWEEP_PROC_DIR/meminfo"
    fi
fi

# --- CPU ---------------------------------------------------------------------------------------------------------------------
cpu_sample() { awk '/^cpu / { idle = $5 + $6; total = 0; for (i = 2; i <= NF; i++) total += $i; print total, idle }' "$SWEEP_PROC_DIR/stat"; }
if ! skipped cpu; then
    if [[ -r $SWEEP_PROC_DIR/stat ]]; then
        read -r t1 i1 < <(cpu_sample)
        sleep 1
        read -r t2 i2 < <(cpu_sample)
        dt=$((t2 - t1))
        busy=0
        ((dt > 0)) && busy=$(((dt - (i2 - i1)) * 100 / dt))
        load=$(cut -d' ' -f1-3 "$SWEEP_PROC_DIR/loadavg" 2>/dev/null || echo "?")
        row cpu "$(level "$busy" 90 101)" "${busy}% busy over 1 s; load average $load; $(nproc) cores"
    else
        row cpu WARN "cannot read $SWEEP_PROC_DIR/stat"
    fi
fi

# --- backups ------------------------------------------------------------------------------------------------------------------
# The newest NIGHTLY of PGDATABASE, chosen and aged by its manifest (copies and other files never count).
if ! skipped backup; then
    nightlies=()
    [[ -d $BACKUP_DIR ]] && list_nightlies "$BACKUP_DIR" "$PGDATABASE" "$(now_epoch)" nightlies
    if ((${#nightlies[@]} == 0)); then
        row backup FAIL "no nightly backup of $PGDATABASE (.dump with its .manifest) in $BACKUP_DIR; $IGNORED_DUMPS other .dump file(s) ignored (run backup-db.sh)"
    else
        newest=${nightlies[0]}
        read_manifest "$newest"
        age_s=$(($(now_epoch) - 10#${MANIFEST[end_epoch]}))
        ((age_s < 0)) && age_s=0
        age_h=$((age_s / 3600))
        if ((age_s >= SWEEP_BACKUP_MAX_AGE_HOURS * 3600)); then
            row backup FAIL "newest nightly backup is ${age_h} h old (limit ${SWEEP_BACKUP_MAX_AGE_HOURS} h): $(basename "$newest")"
        else
            row backup OK "newest nightly backup ${age_h} h old, $(human_bytes "$((10#${MANIFEST[size_bytes]}))"): $(basename "$newest")"
        fi
    fi
fi
if ! skipped restore_test; then
    rt_status=$(read_prom_value sigcerh_restore_test sigcerh_restore_test_last_status)
    rt_success=$(read_prom_value sigcerh_restore_test sigcerh_restore_test_last_success_timestamp_seconds)
    if [[ -z $rt_status ]]; then
        row restore_test WARN "no restore test recorded yet (run restore-test.sh)"
    elif [[ $rt_status != 1 ]]; then
        row restore_test FAIL "the last restore test FAILED (see /var/log/sigcerh/maintenance.json)"
    elif (($(now_epoch) - ${rt_success%.*} > 35 * 86400)); then
        row restore_test WARN "last passing restore test is older than 35 days"
    else
        row restore_test OK "last restore test passed $((($(now_epoch) - ${rt_success%.*}) / 86400)) days ago"
    fi
fi

# --- observability containers (Prometheus, Loki, Tempo and Alertmanager are not published on the host) ------------------
if ! skipped containers; then
    if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
        ((${#services[@]} > 0)) || log_skipped containers SWEEP_CONTAINERS
        for svc in "${services[@]}"; do
            state=$(docker ps -a --filter "label=com.docker.compose.service=$svc" --format '{{.State}}|{{.Status}}' 2>/dev/null | head -n1)
            if [[ -z $state ]]; then
                row "container $svc" FAIL "no container for compose service $svc (docker compose up -d)"
            elif [[ $state == running\|*unhealthy* ]]; then
                row "container $svc" FAIL "running but unhealthy: ${state#*|}"
            elif [[ $state == running\|* ]]; then
                row "container $svc" OK "${state#*|}"
            else
                row "container $svc" FAIL "${state%%|*}: ${state#*|}"
            fi
        done
    else
        row containers SKIP "docker not available to this user"
    fi
fi

# --- systemd ------------------------------------------------------------------------------------------------------------------
if ! skipped systemd; then
    if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1; then
        failed=$(systemctl list-units --failed --plain --no-legend 'sigcerh-*' 2>/dev/null | awk '{ print $1 }' | tr '\n' ' ')
        if [[ -n ${failed// /} ]]; then
            row systemd FAIL "failed units: $failed(journalctl -u <unit>)"
        else
            row systemd OK "no failed sigcerh-* units"
        fi
    else
        row systemd SKIP "systemd not running here"
    fi
fi

# --- OS updates ---------------------------------------------------------------------------------------------------------------
if ! skipped updates; then
    if command -v apt-get >/dev/null 2>&1; then
        sim=$(LC_ALL=C apt-get -s -o Debug::NoLocking=1 upgrade 2>/dev/null || true)
        n_all=$(grep -c '^Inst ' <<<"$sim" || true)
        n_sec=$(grep '^Inst ' <<<"$sim" | grep -ci 'security' || true)
        if ((n_sec > 0)); then
            row updates WARN "$n_all packages upgradable, $n_sec security (see docs/mantenimiento-preventivo.md)"
        else
            row updates OK "$n_all packages upgradable, none from security (lists as of the last apt-get update)"
        fi
    else
        row updates SKIP "apt-get not available"
    fi
fi

# --- TLS certificates ---------------------------------------------------------------------------------------------------------
if ! skipped tls && command -v openssl >/dev/null 2>&1; then
    for pair in "${url_pairs[@]}"; do
        url=${pair#*=}
        [[ $url == https://* ]] || continue
        hostport=${url#https://}
        hostport=${hostport%%/*}
        host=${hostport%%:*}
        [[ $hostport == *:* ]] || hostport+=":443"
        end=$(timeout "$SWEEP_TIMEOUT" openssl s_client -servername "$host" -connect "$hostport" </dev/null 2>/dev/null |
            openssl x509 -noout -enddate 2>/dev/null | cut -d= -f2 || true)
        if [[ -z $end ]]; then
            row "tls $host" FAIL "cannot read the certificate of $hostport"
            continue
        fi
        days=$((($(date -u -d "$end" +%s) - $(now_epoch)) / 86400))
        if ((days < 7)); then tls_status=FAIL; elif ((days < 21)); then tls_status=WARN; else tls_status=OK; fi
        row "tls $host" "$tls_status" "certificate expires in $days days ($end)"
    done
fi

# --- report ------------------------------------------------------------------------------------------------------------------
printf '%-22s %-6s %s\n' CHECK STATUS DETAIL
printf '%s\n' "${ROWS[@]}"
if ((N_FAIL > 0)); then
    overall=FAIL rc=2
elif ((N_WARN > 0)); then
    overall=WARN rc=1
else
    overall=OK rc=0
fi
printf '\nOverall: %s (%d OK, %d WARN, %d FAIL) at %s on %s\n' "$overall" "$N_OK" "$N_WARN" "$N_FAIL" "$(iso_time "$(now_epoch)")" "$(hostname)"
log_json "$([[ $overall == OK ]] && echo info || echo warn)" health_sweep.completed outcome="$overall" ok="$N_OK" \
    warn="$N_WARN" fail="$N_FAIL" problems="${FAILED_CHECKS% }" >/dev/null
exit "$rc"
