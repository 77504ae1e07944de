#!/usr/bin/env bash
# Status round trip: with the daemon up and one job running, times `bgrun status probe` and `bgrun list` as
# whole processes (JSON output, as when scripted), next to `pm2 jlist` with one pm2 process running and a Java
# hello world on the same JDK. The variants are interleaved round by round, so that other load on the machine
# hits them alike. Reports medians (min, p90, max) and ratios.
# Target (BRIEF section 9): status/list round trip <= 0.5 x pm2 jlist in the same run.
# Usage: scripts/bench/status-roundtrip.sh     RUNS=N (default 20, at least 5) timed rounds after 2 warm-ups
#        BGRUN_JAR=path/to/bgrun.jar (default cli/target/bgrun.jar), BENCH_NO_PM2=1, BENCH_KEEP=1
# Exits 0 whether or not the target is met; non-zero when something fails.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

runs="${RUNS:-20}"
if ! [[ "$runs" =~ ^[0-9]+$ ]] || [ "$runs" -lt 5 ]; then
  echo "status-roundtrip.sh: RUNS must be a whole number of at least 5 (got '$runs')" >&2
  exit 2
fi
warmups=2
factor=0.5
report="$bench_repo/scripts/bench/lib/report.py"

bench_init status-roundtrip
pm2_setup
java="$BGRUN_JAVA_HOME/bin/java"

cat >"$bench_tmp/Hello.java" <<'EOF'
public class Hello {
    public static void main(String[] args) {
        System.out.println("Hello, world");
    }
}
EOF
"$BGRUN_JAVA_HOME/bin/javac" -d "$bench_tmp" "$bench_tmp/Hello.java" || bench_die "javac failed on the hello world"

# The job to ask about (this also starts the daemon).
out="$(bg run --name probe -- sleep 600)" || bench_die "bgrun run failed: $out"
[ "$(json_field "$out" name)" = probe ] || bench_die "unexpected answer to run: $out"
bgrun_daemon_pid
[ -n "$DAEMON_PID" ] || bench_die "the daemon is not running after bgrun run"
out="$(bg status probe)" || bench_die "bgrun status failed: $out"
state="$(json_field "$out" state)"
[ "$state" = ready ] || [ "$state" = running ] || bench_die "probe is $state, not running: $out"
if [ -n "$PM2" ]; then
  "$PM2" start sleep --name probe -- 600 >/dev/null 2>&1 || bench_die "pm2 start failed"
  "$PM2" jlist 2>/dev/null | grep -q '"status":"online"' || bench_die "pm2's probe is not online"
fi

# The variants: name<TAB>command (run through a function so every variant pays the same shell cost).
v_status() { bg status probe; }
v_list() { bg list; }
v_version() { bg --version; }
v_pm2() { "$PM2" jlist; }
v_hello() { "$java" -cp "$bench_tmp" Hello; }
v_hello_c1() { "$java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$bench_tmp" Hello; }
labels=("bgrun status probe" "bgrun list (1 job)" "bgrun --version (no daemon)")
funcs=(v_status v_list v_version)
if [ -n "$PM2" ]; then
  labels+=("pm2 jlist (1 process)"); funcs+=(v_pm2)
fi
labels+=("java hello world" "java hello (C1, SerialGC)")
funcs+=(v_hello v_hello_c1)

declare -A times
echo "timing ${#funcs[@]} variants, $warmups warm-up + $runs timed rounds, interleaved..." >&2
for ((round = 0; round < warmups + runs; round++)); do
  for i in "${!funcs[@]}"; do
    status=0
    start=$(now_us)
    "${funcs[$i]}" >/dev/null 2>"$bench_tmp/err" || status=$?
    end=$(now_us)
    if [ "$status" -ne 0 ]; then
      bench_die "${labels[$i]} exited $status (round $((round + 1))): $(head -c 500 "$bench_tmp/err")"
    fi
    if [ "$round" -ge "$warmups" ]; then
      times[$i]+="$(( (end - start) / 1000 )).$(printf '%03d' $(( (end - start) % 1000 ))) "
    fi
  done
done
: >"$bench_tmp/results"
for i in "${!funcs[@]}"; do
  printf '%s\t%s\n' "${labels[$i]}" "${times[$i]}" >>"$bench_tmp/results"
done

# The daemon's footprint while serving, for the record.
ds="$(bg daemon status)"
# The daemon's own share: the same requests over one open connection, in one JVM (after 200 warm-up calls).
bench_client_build
bench_client repeat 200 status probe >/dev/null || bench_die "the one-connection client failed"
conn_status="$(bench_client repeat 1000 status probe)" || bench_die "the one-connection client failed"
conn_list="$(bench_client repeat 1000 list)" || bench_die "the one-connection client failed"

echo
bench_facts
echo "runs:    $runs timed rounds after $warmups warm-ups; whole-process wall time, output to /dev/null"
echo "daemon:  pid $DAEMON_PID, rss $(( $(json_field "$ds" rss_bytes) / 1048576 )) MiB, jobs $(json_field "$ds" jobs)"
echo
if [ -n "$PM2" ]; then
  python3 "$report" table "$bench_tmp/results" ms "pm2 jlist (1 process)"
else
  python3 "$report" table "$bench_tmp/results" ms "java hello world"
fi
echo
us_ms() { python3 -c "print(f'{$1 / 1000:.2f}')"; }
echo "daemon side, one open connection, 1000 requests each (in-JVM round trip, includes JSON both ways):"
echo "  status probe: median $(us_ms "$(json_field "$conn_status" median_us)") ms," \
  "p90 $(us_ms "$(json_field "$conn_status" p90_us)") ms;" \
  " list: median $(us_ms "$(json_field "$conn_list" median_us)") ms, p90 $(us_ms "$(json_field "$conn_list" p90_us)") ms"
m_status="$(python3 "$report" median "$bench_tmp/results" "bgrun status probe")"
python3 -c "print(f'  = {$(json_field "$conn_status" median_us) / 10 / $m_status:.1f}% of the CLI status median; the rest is the CLI process (bgrun --version: $(python3 "$report" median "$bench_tmp/results" "bgrun --version (no daemon)") ms)')"
echo
m_list="$(python3 "$report" median "$bench_tmp/results" "bgrun list (1 job)")"
m_hello="$(python3 "$report" median "$bench_tmp/results" "java hello world")"
python3 -c "print(f'bgrun status = {$m_status / $m_hello:.2f} x java hello world; bgrun list = {$m_list / $m_hello:.2f} x')"
if [ -n "$PM2" ]; then
  m_pm2="$(python3 "$report" median "$bench_tmp/results" "pm2 jlist (1 process)")"
  limit="$(python3 -c "print($factor * $m_pm2)")"
  python3 "$report" verdict "bgrun status median <= $factor x pm2 jlist median" "$m_status" "<=" "$limit"
  python3 "$report" verdict "bgrun list median <= $factor x pm2 jlist median" "$m_list" "<=" "$limit"
else
  echo "target: bgrun status median <= $factor x pm2 jlist median: CANNOT JUDGE (pm2 unavailable;" \
    "the brief's pm2 figure is about 155 ms, half of it 77.5 ms; bgrun status here: $m_status ms)"
fi
