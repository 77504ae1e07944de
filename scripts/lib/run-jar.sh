#!/usr/bin/env bash
# Runs the bgrun jar with start-up tuned for a short-lived CLI: C1 only, and the JDK's AOT cache.
# The cache is named after the jar's size and modification time, so a rebuilt jar never runs stale cached
# classes (JDK-8377932 in Temurin 25.0.3); it is made once, by a training run, the first time it is missing.
# Usage: run-jar.sh JAVA_HOME JAR [ARGS...]
set -euo pipefail
java_home="$1"; jar="$2"; shift 2
stamp="$(stat -c '%s-%Y' "$jar" 2>/dev/null || stat -f '%z-%m' "$jar")"
aot="${jar%.jar}-$stamp.aot"
opts=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED)
# A config command (run in this JVM when no daemon runs) parses a whole project file: for thousands of jobs
# tomlj's parse tree is hundreds of MiB, and with the default young generation (a third of 1/64 of RAM) the
# collector copied it three times, a quarter of a 10,000-job check's CPU time. A config command starts with
# 1/8 of RAM as its heap instead (pages are only touched when used), so that such a check never collects.
# Other commands keep the default: the young generation bounds the memory of a long-running client such as
# tail --follow's. (Not given to the training run, so the one cache serves every command.)
heap=()
for arg in "$@"; do
  if [ "$arg" = config ]; then
    heap=(-XX:InitialRAMPercentage=12.5)
    break
  fi
done

if [ ! -f "$aot" ] && [ -z "${BGRUN_NO_AOT:-}" ]; then
  # Training: run representative commands in one JVM and write the cache at its exit. It is written under a
  # private name and renamed, so a racing call never reads half a cache. A failure only costs speed.
  tmp="$aot.$$.tmp"
  if "$java_home/bin/java" "${opts[@]}" -XX:AOTCacheOutput="$tmp" -Xlog:aot=off -Xlog:cds=off \
      -cp "$jar" dev.bgrun.cli.AotTraining >/dev/null 2>&1 && [ -f "$tmp" ]; then
    for old in "${jar%.jar}"-*.aot; do [ "$old" = "$aot" ] || rm -f "$old"; done
    mv -f "$tmp" "$aot"
  fi
  rm -f "$tmp"
fi
if [ -f "$aot" ]; then
  opts+=(-XX:AOTCache="$aot" -Xlog:aot=off -Xlog:cds=off)
fi
exec "$java_home/bin/java" "${opts[@]}" ${heap[@]+"${heap[@]}"} -jar "$jar" "$@"
