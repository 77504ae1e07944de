#!/bin/sh
# Runs the bgrun jar with start-up tuned for a short-lived CLI: C1 only, and the JDK's AOT cache.
# Two caches, since a cache's classes cost start-up time whether a run uses them or not (the JVM loads all of
# them at start): the thin client's (bgrun.aot: a few classes; the command runs in the daemon) and the local
# commands' (bgrun-local.aot: the parser, the TOML loader and the commands, for `config`, `schema`, help and
# the version when no daemon runs, as the client then runs them in its own JVM). Each is made once, by a
# training run (dev.bgrun.cli.AotTraining), the first time it is missing, and given the jar's modification time:
# a cache whose time is not the jar's (to the nanosecond) is of another build and is made again. Temurin
# 25.0.3 does not check itself that a jar changed since its cache was made (JDK-8377932).
# POSIX sh, and no command but java on the way of a call (no stat, no dirname): every call pays for the
# shell, and dash with built-ins only costs about a millisecond where bash with two forks cost six.
# Usage: run-jar.sh JAVA_HOME JAR [ARGS...]
#        run-jar.sh JAVA_HOME JAR --make-aot-caches   makes both caches now if they are not current (the
#        installer and tests use it); exits non-zero when one could not be made
set -eu
java_home="$1"; jar="$2"; shift 2
case "$jar" in */*) jar_dir="${jar%/*}" ;; *) jar_dir=. ;; esac

# Which kind of run this is: local for config, and when no daemon answers (no socket file) for a command that
# needs none.
kind=client
[ "${1:-}" = --make-aot-caches ] && kind=make-caches
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
heap=""
if [ "$kind" = make-caches ]; then
  :
elif [ "$word" = config ]; then
  kind=local # config always runs in the client's JVM
  # It parses a whole project file: for thousands of jobs tomlj's parse tree is hundreds of MiB, and with the
  # default young generation (a third of 1/64 of RAM) the collector copied it three times, a quarter of a
  # 10,000-job check's CPU time. So config starts with 1/8 of RAM as its heap (pages are only touched when
  # used) and such a check never collects. Other commands keep the default, whose young generation bounds the
  # memory of a long-running client. (Not given to the training run.)
  heap=-XX:InitialRAMPercentage=12.5
elif [ "$word" = mcp ]; then
  kind=local # a long-lived server in the client's JVM; its tools call the daemon
elif [ ! -S "$root/daemon.sock" ]; then
  case "$word" in
    ""|help|schema|capabilities|examples|skill|completions|doctor|daemon) kind=local ;;
  esac
fi
# The thin client runs from its own small jar when the build made one (bgrun-client.jar, beside the jar and of
# the same build, with the jar on its Class-Path): opening the full jar reads its 6,800-entry directory.
client_jar="$jar"
[ -f "$jar_dir/bgrun-client.jar" ] && client_jar="$jar_dir/bgrun-client.jar"
run_jar="$client_jar"
aot="${jar%.jar}.aot"
if [ "$kind" = local ]; then
  run_jar="$jar"
  aot="${jar%.jar}-local.aot"
fi
java="$java_home/bin/java"

# Whether the cache is of this jar's build: the same modification time (neither is newer).
current() {
  [ -f "$1" ] && ! [ "$1" -nt "$jar" ] && ! [ "$1" -ot "$jar" ]
}

# Makes the cache of a kind (client or local) at $2: representative runs write it under a private name, which
# gets the jar's time and is then renamed, so a racing call never reads half a cache. A failure only costs speed.
train() {
  tmp="$2.$$.tmp"
  if [ "$1" = client ]; then
    # Only the calls are recorded: the daemon they talk to is started (and stopped) by JVMs that are not, in a
    # private state root, so that the cache holds what a call to a running daemon loads and nothing else.
    home="${TMPDIR:-/tmp}/bgrun-aot-$$" # short: the socket's path has a length limit
    if BGRUN_HOME="$home" "$java" -cp "$client_jar" dev.bgrun.cli.client.BgrunClient list --json >/dev/null 2>&1; then
      BGRUN_HOME="$home" "$java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED \
        -XX:AOTCacheOutput="$tmp" -Xlog:aot=off -Xlog:cds=off -cp "$client_jar" dev.bgrun.cli.AotTraining client \
        >/dev/null 2>&1 || rm -f "$tmp"
    fi
    BGRUN_HOME="$home" "$java" -cp "$client_jar" dev.bgrun.cli.client.BgrunClient daemon stop >/dev/null 2>&1 || true
    rm -rf "$home"
  else
    "$java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED \
      -XX:AOTCacheOutput="$tmp" -Xlog:aot=off -Xlog:cds=off -cp "$jar" dev.bgrun.cli.AotTraining local \
      >/dev/null 2>&1 || rm -f "$tmp"
  fi
  if [ -f "$tmp" ] && touch -r "$jar" "$tmp"; then
    rm -f "${jar%.jar}"-[0-9]*.aot # caches named after a jar's size and time, by an earlier launcher
    mv -f "$tmp" "$2"
  fi
  rm -f "$tmp"
}

if [ "$kind" = make-caches ]; then
  current "${jar%.jar}.aot" || train client "${jar%.jar}.aot"
  current "${jar%.jar}-local.aot" || train local "${jar%.jar}-local.aot"
  current "${jar%.jar}.aot" && current "${jar%.jar}-local.aot"
  exit
fi
# The java command line, built in the positional parameters (POSIX sh has no arrays; each argument stays whole,
# spaces and all): the options, then -jar and the user's arguments. The cache is tested once on a call's way;
# again only after a training.
set -- -jar "$run_jar" "$@"
if current "$aot" || { [ -z "${BGRUN_NO_AOT:-}" ] && train "$kind" "$aot" && current "$aot"; }; then
  set -- -XX:AOTCache="$aot" -Xlog:aot=off -Xlog:cds=off "$@"
fi
set -- -XX:TieredStopAtLevel=1 -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED $heap "$@"
exec "$java" "$@"
