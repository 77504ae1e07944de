#!/usr/bin/env bash
# Runs the bgrun jar with start-up tuned for a short-lived CLI: C1 only, and the JDK's AOT cache.
# Two caches, since a cache's classes cost start-up time whether a run uses them or not: the thin client's
# (bgrun-STAMP.aot: a few classes; the command runs in the daemon) and the local commands' (bgrun-STAMP-local.aot:
# the parser, the TOML loader and the commands, for `config`, `schema`, help and the version when no daemon
# runs, as the client then runs them in its own JVM). A cache is named after the jar's size and modification
# time, so a rebuilt jar never runs stale cached classes (JDK-8377932 in Temurin 25.0.3); each is made once, by
# a training run (dev.bgrun.cli.AotTraining), the first time it is missing.
# Usage: run-jar.sh JAVA_HOME JAR [ARGS...]
set -euo pipefail
java_home="$1"; jar="$2"; shift 2
stamp="$(stat -c '%s-%Y' "$jar" 2>/dev/null || stat -f '%z-%m' "$jar")"
opts=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED)
# Which kind of run this is: local for config, and when no daemon answers (no socket file) for a command that
# needs none.
kind=client
root="${BGRUN_HOME:-${XDG_STATE_HOME:+$XDG_STATE_HOME/bgrun}}"
root="${root:-$HOME/.local/state/bgrun}"
# The command's word: the first argument that is not an option (or the value of -f/--file).
word=""
skip=""
for arg in "$@"; do
  if [ -n "$skip" ]; then skip=""; continue; fi
  case "$arg" in
    --) break ;;
    -h|--help|-V|--version) word=help; break ;;
    -f|--file) skip=1 ;;
    -*) ;;
    *) word="$arg"; break ;;
  esac
done
heap=()
if [ "$word" = config ]; then
  kind=local # config always runs in the client's JVM
  # It parses a whole project file: for thousands of jobs tomlj's parse tree is hundreds of MiB, and with the
  # default young generation (a third of 1/64 of RAM) the collector copied it three times, a quarter of a
  # 10,000-job check's CPU time. So config starts with 1/8 of RAM as its heap (pages are only touched when
  # used) and such a check never collects. Other commands keep the default, whose young generation bounds the
  # memory of a long-running client. (Not given to the training run.)
  heap=(-XX:InitialRAMPercentage=12.5)
elif [ "$word" = mcp ]; then
  kind=local # a long-lived server in the client's JVM; its tools call the daemon
elif [ ! -S "$root/daemon.sock" ]; then
  case "$word" in
    ""|help|schema|capabilities|examples|skill|completions|doctor|daemon) kind=local ;;
  esac
fi
aot="${jar%.jar}-$stamp.aot"
# The thin client runs from its own small jar when the build made one (bgrun-client.jar, beside the jar and of
# the same build, with the jar on its Class-Path): opening the full jar reads its 6,800-entry directory.
run_jar="$jar"
client_jar="$(dirname "$jar")/bgrun-client.jar"
if [ "$kind" = client ] && [ -f "$client_jar" ]; then
  run_jar="$client_jar"
fi
[ "$kind" = local ] && aot="${jar%.jar}-$stamp-local.aot"

if [ ! -f "$aot" ] && [ -z "${BGRUN_NO_AOT:-}" ]; then
  # Training: representative runs in one JVM write the cache at its exit, under a private name that is then
  # renamed, so a racing call never reads half a cache. A failure only costs speed.
  tmp="$aot.$$.tmp"
  if "$java_home/bin/java" "${opts[@]}" -XX:AOTCacheOutput="$tmp" -Xlog:aot=off -Xlog:cds=off \
      -cp "$run_jar" dev.bgrun.cli.AotTraining "$kind" >/dev/null 2>&1 && [ -f "$tmp" ]; then
    for old in "${jar%.jar}"-*.aot; do
      case "$old" in *"-$stamp.aot"|*"-$stamp-local.aot") ;; *) rm -f "$old" ;; esac
    done
    mv -f "$tmp" "$aot"
  fi
  rm -f "$tmp"
fi
if [ -f "$aot" ]; then
  opts+=(-XX:AOTCache="$aot" -Xlog:aot=off -Xlog:cds=off)
fi
exec "$java_home/bin/java" "${opts[@]}" ${heap[@]+"${heap[@]}"} -jar "$run_jar" "$@"
