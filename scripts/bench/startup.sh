#!/usr/bin/env bash
# Start-up benchmark: times `bgrun config check samples/bgrun.toml` as a whole process, next to a Java hello
# world on the same JDK, and reports medians (with min and p90) and the ratio to the hello world.
# Target: bgrun jar + AOT at most 3x the hello world. Exits 0 whether or not the target is met; non-zero
# only when something fails (no JDK, the build, a bgrun run exiting non-zero).
# Usage: scripts/bench/startup.sh            (20 timed runs per variant; RUNS=N to change, at least 10)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$repo/scripts/lib/java.sh"
bgrun_find_java || exit 2
cd "$repo"

runs="${RUNS:-20}"
if ! [[ "$runs" =~ ^[0-9]+$ ]] || [ "$runs" -lt 10 ]; then
  echo "startup.sh: RUNS must be a whole number of at least 10 (got '$runs')" >&2
  exit 2
fi
warmups=2
target=3.00
java="$BGRUN_JAVA_HOME/bin/java"
jar="cli/target/bgrun.jar"
sample="samples/bgrun.toml"
cli_opts=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC)

die() { echo "startup.sh: $*" >&2; exit 1; }

# Build the jar if it is stale and create its AOT cache (the launcher does both on first use).
scripts/bgrun --version >/dev/null || die "scripts/bgrun --version failed"
[ -f "$jar" ] || die "$jar is missing after running the launcher"
stamp="$(stat -c '%s-%Y' "$jar" 2>/dev/null || stat -f '%z-%m' "$jar")"
aot="${jar%.jar}-$stamp.aot"
[ -f "$aot" ] || die "the AOT cache $aot was not created by the launcher (is BGRUN_NO_AOT set?)"

# The hello world baseline, compiled once into a temporary directory.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# A private state root with no daemon in it: config check then runs in the client's JVM every time, as it
# does for a user with no daemon running (with one running, the thin client would hand the command to it,
# and a daemon of another build in the default root would be replaced).
export BGRUN_HOME="$tmp/home"
cat >"$tmp/Hello.java" <<'EOF'
public class Hello {
    public static void main(String[] args) {
        System.out.println("Hello, world");
    }
}
EOF
"$BGRUN_JAVA_HOME/bin/javac" -d "$tmp" "$tmp/Hello.java" || die "javac failed on the hello world"

# Wall-clock time in microseconds (bash's EPOCHREALTIME; date +%s%N where it is missing).
now_us() {
  if [ -n "${EPOCHREALTIME:-}" ]; then
    local t="${EPOCHREALTIME/[.,]/}"
    echo "$((10#$t))"
  else
    echo "$(( $(date +%s%N) / 1000 ))"
  fi
}

# measure LABEL CMD... : runs CMD (output discarded) $warmups times untimed, then $runs times timed; every
# run must exit 0. Appends "label<TAB>us us us..." to $tmp/results.
measure() {
  local label="$1"; shift
  local i start end status times=()
  for ((i = 0; i < warmups; i++)); do
    status=0; "$@" >/dev/null 2>&1 || status=$?
    [ "$status" -eq 0 ] || die "$label: exited $status (warm-up run); command: $*"
  done
  for ((i = 0; i < runs; i++)); do
    status=0
    start=$(now_us)
    "$@" >/dev/null 2>&1 || status=$?
    end=$(now_us)
    [ "$status" -eq 0 ] || die "$label: exited $status (timed run $((i + 1))); command: $*"
    times+=($((end - start)))
  done
  printf '%s\t%s\n' "$label" "${times[*]}" >>"$tmp/results"
  printf '  %-30s done\n' "$label" >&2
}

no_aot() { BGRUN_NO_AOT=1 "$java" "${cli_opts[@]}" --enable-native-access=ALL-UNNAMED -jar "$jar" "$@"; }

echo "machine: $(nproc) CPUs ($(uname -sm))"
echo "java:    $("$java" -version 2>&1 | head -n 1) at $BGRUN_JAVA_HOME"
echo "date:    $(date '+%Y-%m-%d %H:%M:%S %Z')"
echo "runs:    $runs timed per variant, after $warmups warm-up runs"
echo

: >"$tmp/results"
measure "hello world (java -cp)"     "$java" -cp "$tmp" Hello
measure "hello world (C1, SerialGC)" "$java" "${cli_opts[@]}" -cp "$tmp" Hello
measure "bgrun launcher"             scripts/bgrun config check "$sample"
measure "bgrun jar + AOT (JSON)"     scripts/lib/run-jar.sh "$BGRUN_JAVA_HOME" "$jar" config check "$sample"
measure "bgrun jar + AOT (human)"    scripts/lib/run-jar.sh "$BGRUN_JAVA_HOME" "$jar" config check "$sample" --no-json
measure "bgrun jar, no AOT cache"    no_aot config check "$sample"
echo >&2

python3 - "$tmp/results" "$target" <<'EOF'
import sys

path, target = sys.argv[1], float(sys.argv[2])
rows = []
with open(path) as f:
    for line in f:
        label, times = line.rstrip("\n").split("\t")
        ms = sorted(int(t) / 1000.0 for t in times.split())
        n = len(ms)
        median = ms[n // 2] if n % 2 else (ms[n // 2 - 1] + ms[n // 2]) / 2
        p90 = ms[min(n - 1, -(-9 * n // 10) - 1)]  # nearest-rank 90th percentile
        rows.append((label, median, ms[0], p90))

hello = rows[0][1]
print(f"{'variant':<30} {'median':>8} {'min':>8} {'p90':>8} {'x hello':>8}")
for label, median, low, p90 in rows:
    print(f"{label:<30} {median:>5.0f} ms {low:>5.0f} ms {p90:>5.0f} ms {median / hello:>8.2f}")

ratio = dict((r[0], r[1]) for r in rows)["bgrun jar + AOT (JSON)"] / hello
verdict = "MET" if ratio <= target else "NOT MET"
print()
print(f"target: bgrun jar + AOT <= {target:.2f} x hello world: {verdict} (ratio {ratio:.2f})")
EOF
