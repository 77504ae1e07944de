#!/usr/bin/env bash
# CLI latency: whole `bgrun` processes as a user's shell or an agent starts them (scripts/lib/run-jar.sh: C1 and
# the AOT cache), interleaved round by round with a Java hello world on the same JDK and `pm2 jlist` (pm2 from
# the npm registry, installed into the temp dir), so that other load on the machine hits them alike:
#   bgrun status JOB, list (1 job and 200 jobs), tail --lines 100, wait on a ready job (daemon-backed: the
#   thin client sends its arguments and the command runs in the daemon), and config check of the sample
#   project with no daemon running (it runs in the client's JVM).
# Wall time per call (median, min, p90, max) and CPU time per call (user + system of the process and its
# children, from bash's `times`, averaged over the timed rounds).
# Targets (issue 12): each daemon-backed command <= 1.6 x the hello world and <= 0.35 x pm2 jlist (medians,
# same run); CPU time per call <= 1.5 x the hello world's.
# Usage: scripts/bench/cli-latency.sh     RUNS=N (default 20, at least 5) timed rounds after 2 warm-ups
#        BGRUN_JAR=path/to/bgrun.jar (default cli/target/bgrun.jar), BENCH_NO_PM2=1, BENCH_KEEP=1
# Exits 0 whether or not the targets are met; non-zero when something fails.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

runs="${RUNS:-20}"
if ! [[ "$runs" =~ ^[0-9]+$ ]] || [ "$runs" -lt 5 ]; then
  echo "cli-latency.sh: RUNS must be a whole number of at least 5 (got '$runs')" >&2
  exit 2
fi
warmups=2
hello_factor=1.6
pm2_factor=0.35
cpu_factor=1.5
report="$bench_repo/scripts/bench/lib/report.py"

bench_init cli-latency
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

# 200 more jobs in another workspace, for list at scale; a job with 150 lines of output, for tail.
for ((i = 0; i < 200; i++)); do
  bg run --name "m$i" --workspace many -- sleep 600 >/dev/null || bench_die "bgrun run m$i failed"
done
bg run --name talker -- sh -c 'seq 1 150; exec sleep 600' >/dev/null || bench_die "bgrun run talker failed"
bg wait talker >/dev/null || bench_die "bgrun wait talker failed"
# config check runs with no daemon: another state root, where none runs.
nodaemon_home="$bench_tmp/nodaemon"
cp "$bench_repo/samples/bgrun.toml" "$bench_tmp/sample.toml"
BGRUN_HOME="$nodaemon_home" bg config check "$bench_tmp/sample.toml" >/dev/null || bench_die "config check failed"
[ ! -e "$nodaemon_home/daemon.sock" ] || bench_die "config check started a daemon"

# The variants, run through functions so that every variant pays the same shell cost.
v_status() { bg status probe; }
v_list() { bg list -w default; }
v_list200() { bg list -w many; }
v_tail() { bg tail talker --lines 100; }
v_wait() { bg wait probe; }
v_check() { BGRUN_HOME="$nodaemon_home" bg config check "$bench_tmp/sample.toml"; }
v_version() { bg --version; }
v_pm2() { "$PM2" jlist; }
v_hello() { "$java" -cp "$bench_tmp" Hello; }
v_hello_c1() { "$java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$bench_tmp" Hello; }
labels=("bgrun status probe" "bgrun list (3 jobs)" "bgrun list -w many (200 jobs)" "bgrun tail --lines 100"
  "bgrun wait (ready job)" "bgrun config check (no daemon)" "bgrun --version")
funcs=(v_status v_list v_list200 v_tail v_wait v_check v_version)
daemon_backed=(0 1 2 3 4)
if [ -n "$PM2" ]; then
  labels+=("pm2 jlist (1 process)"); funcs+=(v_pm2)
fi
labels+=("java hello world" "java hello (C1, SerialGC)")
funcs+=(v_hello v_hello_c1)

# CPU time of the children so far (user + system), in ms, from bash's times builtin, read in this shell (a
# command substitution would be a subshell with children of its own): sets CHILD_CPU_MS.
children_cpu_ms() {
  times >"$bench_tmp/times"
  CHILD_CPU_MS="$(tail -n 1 "$bench_tmp/times" | awk '{t = 0; for (i = 1; i <= NF; i++) { split($i, p, "m"); t += p[1] * 60 + p[2] } printf "%d", t * 1000}')"
}

declare -A times cpu
echo "timing ${#funcs[@]} variants, $warmups warm-up + $runs timed rounds, interleaved..." >&2
for ((round = 0; round < warmups + runs; round++)); do
  for i in "${!funcs[@]}"; do
    status=0
    children_cpu_ms; cpu0="$CHILD_CPU_MS"
    start=$(now_us)
    "${funcs[$i]}" >/dev/null 2>"$bench_tmp/err" || status=$?
    end=$(now_us)
    children_cpu_ms; cpu1="$CHILD_CPU_MS"
    if [ "$status" -ne 0 ]; then
      bench_die "${labels[$i]} exited $status (round $((round + 1))): $(head -c 500 "$bench_tmp/err")"
    fi
    if [ "$round" -ge "$warmups" ]; then
      times[$i]+="$(( (end - start) / 1000 )).$(printf '%03d' $(( (end - start) % 1000 ))) "
      cpu[$i]+="$(( cpu1 - cpu0 )) "
    fi
  done
done
: >"$bench_tmp/results"
: >"$bench_tmp/cpu"
for i in "${!funcs[@]}"; do
  printf '%s\t%s\n' "${labels[$i]}" "${times[$i]}" >>"$bench_tmp/results"
  printf '%s\t%s\n' "${labels[$i]}" "${cpu[$i]}" >>"$bench_tmp/cpu"
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
mean() { python3 -c "import sys; v=[float(x) for x in sys.argv[1:]]; print(f'{sum(v)/len(v):.1f}')" $1; }
echo
echo "CPU time per call (user + system, mean over the timed rounds; bash's times has 1 ms resolution at best):"
for i in "${!funcs[@]}"; do
  printf '  %-34s %8s ms\n' "${labels[$i]}" "$(mean "${cpu[$i]}")"
done
echo
m_hello="$(python3 "$report" median "$bench_tmp/results" "java hello world")"
cpu_hello="$(mean "${cpu[$(( ${#funcs[@]} - 2 ))]}")"
m_pm2=""
if [ -n "$PM2" ]; then
  m_pm2="$(python3 "$report" median "$bench_tmp/results" "pm2 jlist (1 process)")"
fi
for i in "${daemon_backed[@]}"; do
  m="$(python3 "$report" median "$bench_tmp/results" "${labels[$i]}")"
  python3 "$report" verdict "${labels[$i]} median <= $hello_factor x java hello world" "$m" "<=" "$(python3 -c "print($hello_factor * $m_hello)")"
  if [ -n "$m_pm2" ]; then
    python3 "$report" verdict "${labels[$i]} median <= $pm2_factor x pm2 jlist" "$m" "<=" "$(python3 -c "print($pm2_factor * $m_pm2)")"
  else
    echo "target: ${labels[$i]} median <= $pm2_factor x pm2 jlist: CANNOT JUDGE (pm2 unavailable)"
  fi
  python3 "$report" verdict "${labels[$i]} CPU per call <= $cpu_factor x java hello world's" "$(mean "${cpu[$i]}")" "<=" "$(python3 -c "print($cpu_factor * $cpu_hello)")"
done
