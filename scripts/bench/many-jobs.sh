#!/usr/bin/env bash
# Many jobs, next to pm2 in the same run.
# (a) Start, then stop, 200 jobs (sleep 600), ROUNDS times:
#     bgrun CLI          200 `bgrun run --name cN -- sleep 600` processes (what a user does without run-group),
#                        then one `bgrun stop --all` process;
#     bgrun, 1 connection a small Java client (DaemonClient over one connection) sends 200 run requests, then
#                        one stop request: the daemon's own cost, without 200 JVM start-ups;
#     pm2                `pm2 start ecosystem.config.js` (200 apps), then `pm2 delete all` (whole processes).
#     Targets (BRIEF section 9): bgrun at most half of pm2's time, to start and to stop.
# (b) 1,000 live jobs: the daemon's RSS with 0, 200 and 1000 idle jobs (and the per-job wrapper shells beside
#     it), pm2's daemon ("God") RSS at the same counts, and `bgrun list` (whole process) with 1000 jobs, next to
#     `pm2 jlist`. Targets: daemon RSS no more than pm2's at the same count; list <= 150 ms median.
# Every job is stopped at the end and a final check looks for any process this run left.
# Usage: scripts/bench/many-jobs.sh   ROUNDS=N for (a) (default 3), RUNS=N list timings (default 20),
#        BIG=N jobs for (b) (default 1000), BGRUN_JAR=..., BENCH_NO_PM2=1, BENCH_KEEP=1.
# Exits 0 whether or not the targets are met; non-zero when something fails.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

rounds="${ROUNDS:-3}"
runs="${RUNS:-20}"
big="${BIG:-1000}"
for v in rounds runs big; do
  if ! [[ "${!v}" =~ ^[0-9]+$ ]] || [ "${!v}" -lt 1 ]; then
    echo "many-jobs.sh: ${v^^} must be a whole number of at least 1 (got '${!v}')" >&2
    exit 2
  fi
done
[ "$big" -gt 200 ] || { echo "many-jobs.sh: BIG must be more than 200 (it adds jobs 200..BIG-1)" >&2; exit 2; }
n=200
warmups=2
factor=0.5
list_limit_ms=150
report="$bench_repo/scripts/bench/lib/report.py"
errors=()

bench_init many-jobs
pm2_setup
java="$BGRUN_JAVA_HOME/bin/java"
sleep_bin="$(command -v sleep)"

# The one-connection client (scripts/bench/lib/BenchClient.java).
bench_client_build
client() { bench_client "$@"; }

# ecosystem, bgrun_live, pm2_online and ms_between come from lib/common.sh.

# RSS of a process, and of its children that are not `sleep`, in KiB: "rss children_n children_rss children_pss"
rss_of() {
  python3 - "$1" <<'EOF'
import os, sys
pid = int(sys.argv[1])
def field(p, name, path="status"):
    try:
        with open(f"/proc/{p}/{path}") as f:
            for line in f:
                if line.startswith(name + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
kids = []
for d in os.listdir("/proc"):
    if d.isdigit():
        try:
            with open(f"/proc/{d}/stat") as f:
                s = f.read()
            rest = s[s.rindex(")") + 2:].split()
            comm = s[s.index("(") + 1:s.rindex(")")]
            if int(rest[1]) == pid and comm != "sleep":
                kids.append(int(d))
        except OSError:
            pass
print(field(pid, "VmRSS"), len(kids), sum(field(k, "VmRSS") for k in kids),
      sum(field(k, "Pss", "smaps_rollup") for k in kids))
EOF
}

# Start the daemon untimed.
bg list >/dev/null || bench_die "bgrun list failed"
bgrun_daemon_pid
[ -n "$DAEMON_PID" ] || bench_die "no daemon after bgrun list"

# ---------------------------------------------------------------- (a) start and stop 200
declare -A t
echo "(a) $rounds rounds of: $n CLI runs + stop --all; $n runs + stop over one connection; pm2 ecosystem of $n" >&2
for ((r = 1; r <= rounds; r++)); do
  # bgrun, one CLI process per job
  echo "  round $r: bgrun CLI" >&2
  t0=$(now_us)
  for ((i = 0; i < n; i++)); do
    out="$(bg run --name "c$r-$i" -- sleep 600)" || bench_die "bgrun run c$r-$i failed: $out"
  done
  t1=$(now_us)
  live="$(bgrun_live)"
  [ "$live" -eq "$n" ] || errors+=("round $r CLI: $live live jobs after $n runs")
  t2=$(now_us)
  out="$(bg stop --all)" || bench_die "bgrun stop --all failed: $out"
  t3=$(now_us)
  live="$(bgrun_live)"
  [ "$live" -eq 0 ] || errors+=("round $r CLI: $live live jobs after stop --all")
  t[cli_start]+="$(ms_between "$t0" "$t1") "
  t[cli_stop]+="$(ms_between "$t2" "$t3") "
  client clean >/dev/null || bench_die "clean failed"

  # bgrun, one connection
  echo "  round $r: bgrun, one connection" >&2
  out="$(client run "k$r-" 0 "$n")" || bench_die "client run failed: $out"
  [ "$(json_field "$out" count)" -eq "$n" ] && [ "$(json_field "$out" not_live)" -eq 0 ] \
    || errors+=("round $r client: $out")
  t[client_start]+="$(json_field "$out" ms) "
  live="$(bgrun_live)"
  [ "$live" -eq "$n" ] || errors+=("round $r client: $live live jobs after $n runs")
  out="$(client stop-all)" || bench_die "client stop-all failed: $out"
  [ "$(json_field "$out" count)" -eq "$n" ] || errors+=("round $r client stop: $out")
  t[client_stop]+="$(json_field "$out" ms) "
  live="$(bgrun_live)"
  [ "$live" -eq 0 ] || errors+=("round $r client: $live live jobs after stop")
  client clean >/dev/null || bench_die "clean failed"

  # pm2
  if [ -n "$PM2" ]; then
    echo "  round $r: pm2" >&2
    ecosystem "$bench_tmp/work/eco$n.config.js" p 0 "$n"
    t0=$(now_us)
    timeout 600 "$PM2" start "$bench_tmp/work/eco$n.config.js" >"$bench_tmp/pm2.out" 2>&1 \
      || bench_die "pm2 start failed: $(tail -n 5 "$bench_tmp/pm2.out")"
    t1=$(now_us)
    online="$(pm2_online)"
    [ "$online" -eq "$n" ] || errors+=("round $r pm2: $online online after start")
    t2=$(now_us)
    timeout 600 "$PM2" delete all >"$bench_tmp/pm2.out" 2>&1 || bench_die "pm2 delete all failed"
    t3=$(now_us)
    t[pm2_start]+="$(ms_between "$t0" "$t1") "
    t[pm2_stop]+="$(ms_between "$t2" "$t3") "
  fi
done
: >"$bench_tmp/a.tsv"
printf '%s\t%s\n' "bgrun: $n x CLI run (sum)" "${t[cli_start]}" "bgrun: CLI stop --all ($n)" "${t[cli_stop]}" \
  "bgrun: $n runs, 1 connection" "${t[client_start]}" "bgrun: stop all, 1 connection" "${t[client_stop]}" \
  >>"$bench_tmp/a.tsv"
if [ -n "$PM2" ]; then
  printf '%s\t%s\n' "pm2 start ecosystem ($n)" "${t[pm2_start]}" "pm2 delete all ($n)" "${t[pm2_stop]}" \
    >>"$bench_tmp/a.tsv"
fi

# ---------------------------------------------------------------- (b) 0, 200, BIG live jobs
echo "(b) memory with 0, $n, $big jobs; list with $big" >&2
# A fresh daemon, so that (a) does not inflate its heap.
bg daemon stop >/dev/null || bench_die "bgrun daemon stop failed"
wait_gone "$DAEMON_PID" 15 || bench_die "daemon $DAEMON_PID did not stop"
bg list >/dev/null || bench_die "bgrun list failed"
bgrun_daemon_pid
settle=3
declare -A mem
sleep "$settle"
mem[b0]="$(rss_of "$DAEMON_PID")"
ds0="$(bg daemon status)"
out="$(client run m 0 "$n")" || bench_die "client run failed: $out"
[ "$(json_field "$out" not_live)" -eq 0 ] || errors+=("(b) first $n: $out")
sleep "$settle"
mem[b200]="$(rss_of "$DAEMON_PID")"
out="$(client run m "$n" "$big")" || bench_die "client run failed: $out"
[ "$(json_field "$out" not_live)" -eq 0 ] || errors+=("(b) up to $big: $out")
start_big_ms="$(json_field "$out" ms)"
sleep "$settle"
mem[bbig]="$(rss_of "$DAEMON_PID")"
ds="$(bg daemon status)"
live="$(bgrun_live)"
[ "$live" -eq "$big" ] || errors+=("(b) $live live jobs, expected $big")
echo "  timing bgrun list with $big jobs ($warmups + $runs runs)" >&2
: >"$bench_tmp/b.tsv"
times=""
for ((i = 0; i < warmups + runs; i++)); do
  t0=$(now_us)
  bg list >/dev/null || bench_die "bgrun list failed"
  t1=$(now_us)
  [ "$i" -ge "$warmups" ] && times+="$(ms_between "$t0" "$t1") "
done
printf '%s\t%s\n' "bgrun list ($big jobs)" "$times" >>"$bench_tmp/b.tsv"
times=""
for ((i = 0; i < warmups + runs; i++)); do
  t0=$(now_us)
  bg status "m$((big / 2))" >/dev/null || bench_die "bgrun status failed"
  t1=$(now_us)
  [ "$i" -ge "$warmups" ] && times+="$(ms_between "$t0" "$t1") "
done
printf '%s\t%s\n' "bgrun status m$((big / 2)) ($big jobs)" "$times" >>"$bench_tmp/b.tsv"
list_bytes="$(bg list | wc -c)"
# The daemon's own share of list and status with this many jobs: requests over one open connection.
conn_list="$(client repeat 50 list)" || bench_die "client repeat list failed"
conn_status="$(client repeat 200 status "m$((big / 2))")" || bench_die "client repeat status failed"
# Diagnostic: how much of the daemon's RSS is live heap? (Java heap used/committed, then a full GC.)
heap_of() {
  "$BGRUN_JAVA_HOME/bin/jcmd" "$1" GC.heap_info 2>/dev/null | python3 -c '
import re, sys
gens = re.findall(r"total (\d+)K, used (\d+)K", sys.stdin.read())
print(sum(int(u) for _, u in gens) // 1024, sum(int(t) for t, _ in gens) // 1024)'
}
heap_diag="$(awk '/^Threads/ {print $2}' "/proc/$DAEMON_PID/status") threads, $(ls "/proc/$DAEMON_PID/fd" | wc -l) open fds; "
if read -r h_used h_committed <<<"$(heap_of "$DAEMON_PID")" && [ -n "$h_used" ]; then
  "$BGRUN_JAVA_HOME/bin/jcmd" "$DAEMON_PID" GC.run >/dev/null 2>&1 || true
  sleep 1
  read -r gc_used gc_committed <<<"$(heap_of "$DAEMON_PID")"
  read -r gc_rss _ <<<"$(rss_of "$DAEMON_PID")"
  heap_diag+="Java heap used $h_used MiB of $h_committed MiB committed; after a full GC (jcmd GC.run): used"
  heap_diag+=" $gc_used MiB of $gc_committed MiB, daemon RSS $((gc_rss / 1024)) MiB"
else
  heap_diag+="(jcmd GC.heap_info failed; no heap reading)"
fi
out="$(client stop-all)" || bench_die "client stop-all failed: $out"
stop_big_ms="$(json_field "$out" ms)"
[ "$(json_field "$out" count)" -eq "$big" ] || errors+=("(b) stop all: $out")
mem[bafter]="$(rss_of "$DAEMON_PID")"
client clean >/dev/null || bench_die "clean failed"

pm2_note=""
if [ -n "$PM2" ]; then
  # A fresh pm2 daemon too.
  "$PM2" kill >/dev/null 2>&1 || true
  "$PM2" ping >/dev/null 2>&1 || bench_die "pm2 ping failed"
  god="$(pm2_god_pid)"
  sleep "$settle"
  mem[p0]="$(rss_of "$god")"
  ecosystem "$bench_tmp/work/eco-a.config.js" q 0 "$n"
  ecosystem "$bench_tmp/work/eco-b.config.js" q "$n" "$big"
  if timeout 600 "$PM2" start "$bench_tmp/work/eco-a.config.js" >"$bench_tmp/pm2.out" 2>&1; then
    sleep "$settle"
    mem[p200]="$(rss_of "$god")"
    t0=$(now_us)
    if timeout 900 "$PM2" start "$bench_tmp/work/eco-b.config.js" >"$bench_tmp/pm2.out" 2>&1; then
      t1=$(now_us)
      pm2_start_big_ms="$(ms_between "$t0" "$t1")"
      sleep "$settle"
      mem[pbig]="$(rss_of "$god")"
      online="$(pm2_online)"
      [ "$online" -eq "$big" ] || pm2_note+="pm2 had $online of $big online; "
      times=""
      for ((i = 0; i < warmups + 5; i++)); do
        t0=$(now_us)
        "$PM2" jlist >/dev/null 2>&1 || bench_die "pm2 jlist failed"
        t1=$(now_us)
        [ "$i" -ge "$warmups" ] && times+="$(ms_between "$t0" "$t1") "
      done
      printf '%s\t%s\n' "pm2 jlist ($big processes)" "$times" >>"$bench_tmp/b.tsv"
    else
      pm2_note+="pm2 start of the apps $n..$((big - 1)) failed or timed out: $(tail -n 3 "$bench_tmp/pm2.out" | tr '\n' ' '); "
    fi
  else
    pm2_note+="pm2 start of the first $n apps failed: $(tail -n 3 "$bench_tmp/pm2.out" | tr '\n' ' '); "
  fi
  t0=$(now_us)
  timeout 900 "$PM2" delete all >"$bench_tmp/pm2.out" 2>&1 || pm2_note+="pm2 delete all failed; "
  t1=$(now_us)
  pm2_stop_big_ms="$(ms_between "$t0" "$t1")"
fi

# ---------------------------------------------------------------- report
echo
bench_facts
echo "jobs:    sleep 600 ($sleep_bin); bgrun daemon pid $DAEMON_PID; settle ${settle}s before each memory reading"
echo
echo "(a) start, then stop, $n jobs ($rounds rounds; whole-process wall times, except the one-connection rows,"
echo "    which the client times inside its JVM around the requests)"
if [ -n "$PM2" ]; then
  python3 "$report" table "$bench_tmp/a.tsv" ms
else
  python3 "$report" table "$bench_tmp/a.tsv" ms
fi
med() { python3 "$report" median "$1" "$2"; }
c_start="$(med "$bench_tmp/a.tsv" "bgrun: $n runs, 1 connection")"
c_stop="$(med "$bench_tmp/a.tsv" "bgrun: stop all, 1 connection")"
cli_stop="$(med "$bench_tmp/a.tsv" "bgrun: CLI stop --all ($n)")"
cli_start="$(med "$bench_tmp/a.tsv" "bgrun: $n x CLI run (sum)")"
echo
python3 -c "print(f'bgrun per job: {$c_start / $n:.2f} ms to start, {$c_stop / $n:.2f} ms to stop over one connection; '
             f'{$cli_start / $n:.0f} ms per CLI run')"
if [ -n "$PM2" ]; then
  p_start="$(med "$bench_tmp/a.tsv" "pm2 start ecosystem ($n)")"
  p_stop="$(med "$bench_tmp/a.tsv" "pm2 delete all ($n)")"
  python3 -c "print(f'ratios to pm2: start {$c_start / $p_start:.2f} (1 connection), {$cli_start / $p_start:.2f} (CLI per job); '
               f'stop {$c_stop / $p_stop:.2f} (1 connection), {$cli_stop / $p_stop:.2f} (CLI stop --all)')"
  python3 "$report" verdict "start $n: bgrun (1 connection) <= $factor x pm2 start" "$c_start" "<=" \
    "$(python3 -c "print($factor * $p_start)")"
  python3 "$report" verdict "stop $n: bgrun (1 connection) <= $factor x pm2 delete all" "$c_stop" "<=" \
    "$(python3 -c "print($factor * $p_stop)")"
  python3 "$report" verdict "stop $n, whole process: bgrun stop --all <= $factor x pm2 delete all" "$cli_stop" "<=" \
    "$(python3 -c "print($factor * $p_stop)")"
  echo "(start without run-group, $n CLI processes, is not a like-for-like comparison with pm2's one ecosystem start)"
else
  echo "target: start/stop $n <= $factor x pm2: CANNOT JUDGE (pm2 unavailable; the brief's pm2 figures: 1.2 s start, 2.9 s delete)"
fi

echo
echo "(b) memory, KiB (RSS from /proc/PID/status; wrappers: bgrun's per-job sh that records the exit status,"
echo "    children of the daemon; PSS counts their shared pages once)"
python3 - "${mem[b0]}" "${mem[b200]}" "${mem[bbig]}" "${mem[p0]:-}" "${mem[p200]:-}" "${mem[pbig]:-}" "$n" "$big" \
  "${mem[bafter]}" <<'EOF'
import sys
b = [list(map(int, x.split())) for x in sys.argv[1:4]]
p = [list(map(int, x.split())) if x else None for x in sys.argv[4:7]]
n, big = sys.argv[7], sys.argv[8]
after = list(map(int, sys.argv[9].split()))
print(f"{'jobs':>5}  {'bgrun daemon':>12}  {'wrappers':>8}  {'wrap RSS':>9}  {'wrap PSS':>9}  {'daemon+PSS':>10}  "
      f"{'pm2 God':>9}  {'pm2 kids*':>9}  {'daemon/God':>10}")
for count, bb, pp in zip(("0", n, big), b, p):
    god = f"{pp[0]:>9}" if pp else f"{'-':>9}"
    kids = f"{pp[1]:>9}" if pp else f"{'-':>9}"
    ratio = f"{bb[0] / pp[0]:>10.2f}" if pp and pp[0] else f"{'-':>10}"
    print(f"{count:>5}  {bb[0]:>12}  {bb[1]:>8}  {bb[2]:>9}  {bb[3]:>9}  {bb[0] + bb[3]:>10}  {god}  {kids}  {ratio}")
print(f"* pm2 kids: children of God other than sleep (0 means pm2 runs each app as its direct child)")
print(f"bgrun daemon after stopping all {big}: {after[0]} KiB")
EOF
echo "bgrun daemon status at $big: rss_bytes $(json_field "$ds" rss_bytes), jobs $(json_field "$ds" jobs),"\
  "live_jobs $(json_field "$ds" live_jobs) (at 0: rss_bytes $(json_field "$ds0" rss_bytes))"
echo "bgrun daemon with $big jobs, diagnostic: $heap_diag"
python3 -c "print(f'bgrun: started jobs $n..$((big - 1)) in {$start_big_ms:.0f} ms over one connection '
             f'({$start_big_ms / ($big - $n):.1f} ms per job), stopped all $big in {$stop_big_ms:.0f} ms ({$stop_big_ms / $big:.1f} ms per job)')"
if [ -n "$PM2" ]; then
  echo "pm2: started apps $n..$((big - 1)) in ${pm2_start_big_ms:-?} ms (whole process), delete all $big in ${pm2_stop_big_ms:-?} ms"
fi
[ -n "$pm2_note" ] && echo "pm2 problems: $pm2_note"
echo
python3 "$report" table "$bench_tmp/b.tsv" ms
echo "(bgrun list output with $big jobs: $list_bytes bytes of NDJSON)"
us_ms() { python3 -c "print(f'{$1 / 1000:.1f}')"; }
echo "daemon side, one open connection: list median $(us_ms "$(json_field "$conn_list" median_us)") ms" \
  "(p90 $(us_ms "$(json_field "$conn_list" p90_us)")), status median $(us_ms "$(json_field "$conn_status" median_us)") ms" \
  "(p90 $(us_ms "$(json_field "$conn_status" p90_us)")) with $big jobs; the rest of a CLI call is its JVM, parsing and printing"
echo
read -r b_big _ <<<"${mem[bbig]}"
read -r b_200 _ <<<"${mem[b200]}"
if [ -n "${mem[pbig]:-}" ]; then
  read -r p_big _ <<<"${mem[pbig]}"
  python3 "$report" verdict "daemon RSS with $big jobs <= pm2's" "$b_big" "<=" "$p_big"
else
  echo "target: daemon RSS with $big jobs <= pm2's: CANNOT JUDGE (no pm2 reading at $big)"
fi
if [ -n "${mem[p200]:-}" ]; then
  read -r p_200 _ <<<"${mem[p200]}"
  python3 "$report" verdict "daemon RSS with $n jobs <= pm2's" "$b_200" "<=" "$p_200"
fi
python3 "$report" verdict "bgrun list with $big jobs median <= $list_limit_ms ms" \
  "$(med "$bench_tmp/b.tsv" "bgrun list ($big jobs)")" "<=" "$list_limit_ms"

if [ "${#errors[@]}" -gt 0 ]; then
  echo
  echo "problems:"
  printf '  %s\n' "${errors[@]}"
fi
