#!/usr/bin/env bash
# Fuzzes with Jazzer for a while (default 5 minutes: FUZZ_TIME=90s to change it). The fuzz test is the first
# argument: LoaderFuzzTest (the default; the bgrun.toml loader) or ProtocolFuzzTest (every daemon command's
# arguments, against real handlers on a real supervisor).
# New interesting inputs land in orchestrator/.cifuzz-corpus/; a crash is written under
# orchestrator/src/test/resources/.../<TEST>Inputs/ and then replays in every normal test run.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$repo/scripts/lib/java.sh"
bgrun_find_java || exit 2
cd "$repo"
export JAVA_HOME="$BGRUN_JAVA_HOME"
export JAZZER_FUZZ=1
export JAZZER_INSTRUMENTATION_INCLUDES='org.tomlj.**:dev.bgrun.**'
test="${1:-LoaderFuzzTest}"
./mvnw -B -q -pl orchestrator test -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
  -Djazzer.max_duration="${FUZZ_TIME:-5m}"
