#!/bin/sh
# Renders /etc/alertmanager/alertmanager.yml.tmpl from the environment and secret files, then starts
# Alertmanager with the rendered file. POSIX sh: the prom/alertmanager image is busybox-based (/bin/sh, sed, tr, id)
# and runs as nobody (uid 65534), see grafana-lgtm/prometheus/README.md.
#   ALERTMANAGER_TEMPLATE   template path   (default /etc/alertmanager/alertmanager.yml.tmpl)
#   ALERTMANAGER_RENDERED   output path     (default /run/alertmanager/alertmanager.yml, a tmpfs)
#   SECRETS_DIR             secret files    (default /run/secrets)
#   DISCORD_WEBHOOK_URL_FILE                (default SECRETS_DIR/discord_webhook_url)
#   ALERTMANAGER_RENDER_ONLY=1              render and exit (used by the tests)
set -eu

template="${ALERTMANAGER_TEMPLATE:-/etc/alertmanager/alertmanager.yml.tmpl}"
rendered="${ALERTMANAGER_RENDERED:-/run/alertmanager/alertmanager.yml}"
SECRETS_DIR="${SECRETS_DIR:-/run/secrets}"
discord_file="${DISCORD_WEBHOOK_URL_FILE:-$SECRETS_DIR/discord_webhook_url}"

fail() {
  echo "alertmanager entrypoint: $*" >&2
  exit 1
}

# Compose bind-mounts file secrets with their owner and mode on the host: a root-only file is unreadable here.
unreadable() {
  echo "$1 is missing or not readable by uid $(id -u): on the host, create it and give it to that uid" \
       "(chown $(id -u) secrets/$(basename "$1"); chmod 600 secrets/$(basename "$1"))"
}

if [ -z "${DISCORD_WEBHOOK_URL:-}" ]; then
  [ -r "$discord_file" ] || fail "Discord webhook secret file $(unreadable "$discord_file")"
  DISCORD_WEBHOOK_URL="$(tr -d '\r\n' < "$discord_file")"
fi

content="$(cat "$template")" || fail "cannot read $template"
for name in SMTP_SMARTHOST SMTP_FROM SMTP_AUTH_USERNAME ALERT_EMAIL_CRITICAL_TO ALERT_EMAIL_WARNING_TO \
            ALERT_EMAIL_DAILY_TO SLACK_CHANNEL DISCORD_WEBHOOK_URL SECRETS_DIR; do
  eval "value=\${$name:-}"
  [ -n "$value" ] || fail "$name is empty: set it in .env (see .env.example)"
  case "$value" in
    *"'"* | *"
"*) fail "$name must not contain quotes or line breaks" ;;
  esac
  # Escape the characters that are special in a sed replacement (\, & and the | delimiter).
  escaped="$(printf '%s' "$value" | sed -e 's/[\\&|]/\\&/g')"
  content="$(printf '%s\n' "$content" | sed -e "s|\${$name}|$escaped|g")"
done

# shellcheck disable=SC2016 # a literal dollar-brace is what we look for
case "$content" in
  *'${'*) fail "unreplaced placeholder left in $template" ;;
esac

# Every file the configuration names (smtp_auth_password_file, slack_api_url_file, ...) must be readable now,
# rather than failing later inside Alertmanager's config load or at the first notification.
files="$(printf '%s\n' "$content" | sed -n -e "s/^[[:space:]]*[a-z_]*_file:[[:space:]]*'\{0,1\}\([^'[:space:]]*\)'\{0,1\}[[:space:]]*$/\1/p")"
for f in $files; do
  [ -r "$f" ] || fail "secret file $(unreadable "$f")"
done

umask 077
mkdir -p "$(dirname "$rendered")"
printf '%s\n' "$content" > "$rendered"

if [ "${ALERTMANAGER_RENDER_ONLY:-0}" = "1" ]; then
  exit 0
fi

exec /bin/alertmanager --config.file="$rendered" "$@"
