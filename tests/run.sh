#!/usr/bin/env bash
# The test command: installs what the tests need, then builds and runs every test project against real servers
# (PostgreSQL 15, the Aspire dashboard as OTLP receiver, promtool, amtool, Prometheus and Alertmanager).
set -euo pipefail
cd "$(dirname "$0")/.."

bash tests/install-deps.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
results=artifacts/test-results
rm -rf "$results"

dotnet build Sigcerh.Telemetry.sln -c Release -nologo -clp:ErrorsOnly

status=0
dotnet test Sigcerh.Telemetry.sln -c Release --no-build --nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" || status=$?

# The benchmarks must keep building and running: a seconds-long smoke of each (full runs: docs/performance.md).
bash tests/Sigcerh.Telemetry.Benchmarks/smoke.sh || status=$?

# One plain closing line over all projects, read from the TRX files.
passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  n=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${n:-0}))
done
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$passed" -eq 0 ]; then
  echo "no test ran" >&2
  exit 1
fi
exit "$status"
