#!/usr/bin/env bash
# Fuzzes the bgrun.toml loader with Jazzer for a while (default 5 minutes: FUZZ_TIME=90s to change it).
# New interesting inputs land in orchestrator/.cifuzz-corpus/; a crash is written under
# orchestrator/src/test/resources/.../LoaderFuzzTestInputs/ and then replays in every normal test run.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$repo/scripts/lib/java.sh"
bgrun_find_java || exit 2
cd "$repo"
export JAVA_HOME="$BGRUN_JAVA_HOME"
export JAZZER_FUZZ=1
export JAZZER_INSTRUMENTATION_INCLUDES='org.tomlj.**:dev.bgrun.**'
./mvnw -B -q -pl orchestrator test -Dtest=LoaderFuzzTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Djazzer.max_duration="${FUZZ_TIME:-5m}"
