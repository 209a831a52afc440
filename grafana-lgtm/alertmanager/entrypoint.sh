#!/bin/sh
# Renders /etc/alertmanager/alertmanager.yml.tmpl from the environment and secret files, then starts
# Alertmanager with the rendered file. POSIX sh: the prom/alertmanager image has a busybox shell only.
#   ALERTMANAGER_TEMPLATE   template path   (default /etc/alertmanager/alertmanager.yml.tmpl)
#   ALERTMANAGER_RENDERED   output path     (default /run/alertmanager/alertmanager.yml, a tmpfs)
#   DISCORD_WEBHOOK_URL_FILE                (default /run/secrets/discord_webhook_url)
#   ALERTMANAGER_RENDER_ONLY=1              render and exit (used by the tests)
set -eu

template="${ALERTMANAGER_TEMPLATE:-/etc/alertmanager/alertmanager.yml.tmpl}"
rendered="${ALERTMANAGER_RENDERED:-/run/alertmanager/alertmanager.yml}"
discord_file="${DISCORD_WEBHOOK_URL_FILE:-/run/secrets/discord_webhook_url}"

fail() {
  echo "alertmanager entrypoint: $*" >&2
  exit 1
}

if [ -z "${DISCORD_WEBHOOK_URL:-}" ]; then
  [ -r "$discord_file" ] || fail "missing Discord webhook secret file $discord_file"
  DISCORD_WEBHOOK_URL="$(tr -d '\r\n' < "$discord_file")"
fi

content="$(cat "$template")" || fail "cannot read $template"
for name in SMTP_SMARTHOST SMTP_FROM SMTP_AUTH_USERNAME ALERT_EMAIL_CRITICAL_TO ALERT_EMAIL_WARNING_TO \
            ALERT_EMAIL_DAILY_TO SLACK_CHANNEL DISCORD_WEBHOOK_URL; do
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

umask 077
mkdir -p "$(dirname "$rendered")"
printf '%s\n' "$content" > "$rendered"

if [ "${ALERTMANAGER_RENDER_ONLY:-0}" = "1" ]; then
  exit 0
fi

exec /bin/alertmanager --config.file="$rendered" "$@"
