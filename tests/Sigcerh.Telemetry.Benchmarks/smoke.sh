#!/usr/bin/env bash
# CI smoke of the performance benchmarks, so they never rot: builds the micro benchmarks and runs each once
# (BenchmarkDotNet's dry job, seconds), then a few-second load run of the four service builds, the startup probe
# and a short collector outage. Exits non-zero when anything fails. The full runs stay out of CI (docs/performance.md).
set -euo pipefail
cd "$(dirname "$0")/../.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
project=tests/Sigcerh.Telemetry.Benchmarks/Sigcerh.Telemetry.Benchmarks.csproj
dotnet build "$project" -c Release -nologo -clp:ErrorsOnly
dll=$(dotnet msbuild "$project" -p:Configuration=Release -getProperty:TargetPath)

bdn=$(mktemp -d /tmp/sigcerh-bdn.XXXXXX)
trap 'rm -rf "$bdn"' EXIT
(cd "$bdn" && dotnet "$dll" --filter '*' --job dry --artifacts "$bdn/artifacts")

OUT="$bdn/load" bash tests/Sigcerh.Telemetry.Benchmarks/load/run-load.sh --smoke
echo "perf smoke: ok"
