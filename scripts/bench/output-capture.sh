#!/usr/bin/env bash
# Output capture: a writer prints SIZE_MB (default 200) MB of 100-byte lines as fast as it can
# (`yes LINE | head -c BYTES`: cheap, deterministic, BYTES/100 lines exactly), and is run
#   direct  redirected to a file by the shell (sh WRITER > file),
#   bgrun   as a job (`bgrun run --name wN -- sh WRITER`), whose output goes to the job's stdout.log,
#   pm2     as a pm2 process (--no-autorestart, -o file), whose output pm2's daemon copies into its log.
# The writer stamps its own start and end (date +%s%N) into a side file, so every variant is timed by the same
# clock: throughput = bytes / (writer start -> all bytes in the log file). For direct and bgrun the bytes are in
# the file when the writer ends; for pm2 the script polls the log file's size every 10 ms until it is complete.
# Also shown: bgrun's own view (started_at -> ended_at of the job, compared with the direct run's whole
# `sh WRITER > file` time), the wall time from `run` until `status` first says exited (coarse: each status call
# is a JVM start), the time for the daemon's line index to catch up, and for pm2 the time until jlist says
# stopped. No line may be lost: stdout.log has exactly BYTES/100 lines and `tail --lines 1` reports
# total_lines equal to it (polled up to 120 s); pm2's log is checked the same way.
# Target (BRIEF section 9): bgrun >= 0.9 x direct, exact line count.
# Usage: scripts/bench/output-capture.sh   RUNS=N rounds (default 5), SIZE_MB=N (default 200),
#        BGRUN_JAR=..., BENCH_NO_PM2=1, BENCH_KEEP=1. Exits 0 whether or not the target is met.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

runs="${RUNS:-5}"
size_mb="${SIZE_MB:-200}"
if ! [[ "$runs" =~ ^[0-9]+$ ]] || [ "$runs" -lt 1 ]; then
  echo "output-capture.sh: RUNS must be a whole number of at least 1 (got '$runs')" >&2
  exit 2
fi
if ! [[ "$size_mb" =~ ^[0-9]+$ ]] || [ "$size_mb" -lt 1 ]; then
  echo "output-capture.sh: SIZE_MB must be a whole number of at least 1 (got '$size_mb')" >&2
  exit 2
fi
factor=0.9
bytes=$((size_mb * 1000000))
line_len=100
expected=$((bytes / line_len))
report="$bench_repo/scripts/bench/lib/report.py"
index_limit_s=120

bench_init output-capture
pm2_setup

# 99 characters and a newline.
line="line of benchmark output, always the same, so that the count is exact: "
while [ "${#line}" -lt 99 ]; do line+="."; done
[ "${#line}" -eq 99 ] || bench_die "the line is ${#line} characters, not 99"
writer="$bench_tmp/writer.sh"
cat >"$writer" <<EOF
#!/bin/sh
# \$1: where to record "start_ns end_ns"
s=\$(date +%s%N)
yes '$line' | head -c $bytes
e=\$(date +%s%N)
echo "\$s \$e" > "\$1"
EOF
chmod +x "$writer"

results="$bench_tmp/runs.tsv"   # variant, run, then named fields
: >"$results"
errors=()

# CPU time (user + system) a process has used, in ms; 0 when it is gone.
clk_tck="$(getconf CLK_TCK)"
proc_cpu_ms() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || { echo 0; return; }
  stat="${stat##*) }"
  local f=($stat)
  echo $(( (f[11] + f[12]) * 1000 / clk_tck ))
}

# One direct run: fields wall_ms self_ms lines bytes
run_direct() {
  local i="$1"
  local out="$bench_tmp/direct.out" stamp="$bench_tmp/t.direct.$i" t0 t1 s e
  rm -f "$out" "$stamp"
  t0=$(now_us)
  sh "$writer" "$stamp" >"$out"
  t1=$(now_us)
  read -r s e <"$stamp"
  local n size
  n=$(wc -l <"$out"); size=$(stat -c %s "$out")
  rm -f "$out"
  [ "$n" -eq "$expected" ] || errors+=("direct run $i: $n lines, expected $expected")
  printf 'direct\t%s\twall_ms=%s\tself_ms=%s\tlines=%s\tbytes=%s\n' "$i" \
    "$(( (t1 - t0) / 1000 ))" "$(( (e - s) / 1000000 ))" "$n" "$size" >>"$results"
}

# One bgrun run: fields self_ms job_ms run_to_exited_ms index_ms lines indexed bytes polls
run_bgrun() {
  local i="$1"
  local name="w$i" stamp="$bench_tmp/t.bgrun.$i" t0 t_seen out state polls=0 s e
  local cpu0 cpu1
  rm -f "$stamp"
  cpu0="$(proc_cpu_ms "$DAEMON_PID")"
  t0=$(now_us)
  out="$(bg run --name "$name" -- sh "$writer" "$stamp")" || bench_die "bgrun run failed: $out"
  local cpu_run cpu_exit
  cpu_run="$(proc_cpu_ms "$DAEMON_PID")"
  # Wait for the writer's own report with a cheap shell poll: polling `status` (a JVM each time) while the
  # writer runs would steal the CPU it is measured on.
  while [ ! -s "$stamp" ]; do
    sleep 0.01
    [ $(( $(now_us) - t0 )) -lt 600000000 ] || bench_die "job $name wrote no report within 600 s"
  done
  while true; do
    out="$(bg status "$name")" || bench_die "bgrun status failed: $out"
    polls=$((polls + 1))
    state="$(json_field "$out" state)"
    case "$state" in
      exited | failed | stopped) break ;;
    esac
    [ $(( $(now_us) - t0 )) -lt 600000000 ] || bench_die "job $name did not end within 600 s: $out"
  done
  t_seen=$(now_us)
  cpu_exit="$(proc_cpu_ms "$DAEMON_PID")"
  [ "$state" = exited ] && [ "$(json_field "$out" exit_code)" = 0 ] || errors+=("bgrun run $i: job ended $state: $out")
  local started ended stdout_log
  started="$(json_field "$out" started_at)"; ended="$(json_field "$out" ended_at)"
  stdout_log="$(json_field "$out" stdout)"
  local job_ms
  job_ms="$(python3 -c '
import sys
from datetime import datetime
def ns(t):  # 2026-11-21T16:37:16.418449205Z
    base, _, frac = t.rstrip("Z").partition(".")
    return int(datetime.fromisoformat(base + "+00:00").timestamp()) * 10**9 + int((frac + "000000000")[:9])
print((ns(sys.argv[2]) - ns(sys.argv[1])) / 1e6)' "$started" "$ended")"
  # The line index catches up asynchronously: poll until it has every line.
  local indexed=0 t_idx tail_out tail_polls=0
  while true; do
    tail_out="$(bg tail "$name" --lines 1)" || bench_die "bgrun tail failed: $tail_out"
    tail_polls=$((tail_polls + 1))
    indexed="$(json_field "$tail_out" total_lines)"
    [ "$indexed" -ge "$expected" ] && break
    if [ $(( $(now_us) - t_seen )) -gt $((index_limit_s * 1000000)) ]; then
      errors+=("bgrun run $i: the index has $indexed lines after $index_limit_s s, expected $expected")
      break
    fi
    sleep 0.05
  done
  t_idx=$(now_us)
  cpu1="$(proc_cpu_ms "$DAEMON_PID")"
  local n size idx_size
  idx_size=$(stat -c %s "$(dirname "$stdout_log")/lines.idx" 2>/dev/null || echo 0)
  n=$(wc -l <"$stdout_log"); size=$(stat -c %s "$stdout_log")
  [ "$n" -eq "$expected" ] || errors+=("bgrun run $i: stdout.log has $n lines, expected $expected")
  [ "$indexed" -eq "$expected" ] || errors+=("bgrun run $i: tail total_lines is $indexed, expected $expected")
  read -r s e <"$stamp"
  printf 'bgrun\t%s\tself_ms=%s\tjob_ms=%s\trun_to_exited_ms=%s\tindex_ms=%s\tlines=%s\tindexed=%s\tbytes=%s\tpolls=%s\tcpu_ms=%s\tidx_bytes=%s\tcpu_job_ms=%s\ttail_polls=%s\n' \
    "$i" "$(( (e - s) / 1000000 ))" "$job_ms" "$(( (t_seen - t0) / 1000 ))" "$(( (t_idx - t_seen) / 1000 ))" \
    "$n" "$indexed" "$size" "$polls" "$((cpu1 - cpu0))" "$idx_size" "$((cpu_exit - cpu_run))" "$tail_polls" >>"$results"
  bg clean "$name" >/dev/null || bench_die "bgrun clean $name failed"
}

# One pm2 run: fields self_ms capture_ms start_to_stopped_ms lines bytes god_cpu_ms
# capture_ms: writer start -> the last growth of pm2's log (all bytes, or as many as pm2 ever wrote).
run_pm2() {
  local i="$1"
  local name="w$i" stamp="$bench_tmp/t.pm2.$i" log="$bench_tmp/pm2-w$i.out" t0 t_grew=0 t_stopped=0 size=0 s e
  local god cpu0
  rm -f "$stamp" "$log" "$log.err"
  god="$(pm2_god_pid)"
  cpu0="$(proc_cpu_ms "$god")"
  t0=$(now_us)
  "$PM2" start sh --name "$name" --no-autorestart -o "$log" -e "$log.err" -- "$writer" "$stamp" \
    >"$bench_tmp/pm2-start.out" 2>&1 || bench_die "pm2 start failed: $(tail -n 5 "$bench_tmp/pm2-start.out")"
  # Poll the log's size every 10 ms; once the writer is done, also ask pm2 (a whole process per ask) until it
  # says stopped. Done when the log is complete and pm2 said stopped, or the log has not grown for 5 s since.
  local last_size=0 still=0
  while true; do
    size=$(stat -c %s "$log" 2>/dev/null || echo 0)
    if [ "$size" -ne "$last_size" ]; then
      t_grew=$(now_us); last_size=$size; still=0
    else
      still=$((still + 1))
    fi
    if [ -f "$stamp" ] && [ "$t_stopped" -eq 0 ] && "$PM2" jlist 2>/dev/null | grep -q '"status":"stopped"'; then
      t_stopped=$(now_us)
    fi
    if [ "$t_stopped" -gt 0 ]; then
      [ "$size" -ge "$bytes" ] && break
      if [ $(( $(now_us) - t_grew )) -gt 5000000 ]; then
        errors+=("pm2 run $i: pm2's log stopped growing at $size bytes of $bytes (pm2 reported the process stopped)")
        break
      fi
    fi
    [ $(( $(now_us) - t0 )) -lt 600000000 ] || bench_die "pm2 run $i did not finish within 600 s"
    sleep 0.01
  done
  read -r s e <"$stamp"
  local n cpu1
  sleep 0.2   # let pm2 flush anything beyond the expected size, so an excess shows in the count
  cpu1="$(proc_cpu_ms "$god")"
  n=$(wc -l <"$log"); size=$(stat -c %s "$log")
  [ "$n" -eq "$expected" ] || errors+=("pm2 run $i: log has $n lines, expected $expected ($((expected - n)) lost)")
  printf 'pm2\t%s\tself_ms=%s\tcapture_ms=%s\tstart_to_stopped_ms=%s\tlines=%s\tbytes=%s\tcpu_ms=%s\n' "$i" \
    "$(( (e - s) / 1000000 ))" "$(( (t_grew - s / 1000) / 1000 ))" "$(( (t_stopped - t0) / 1000 ))" "$n" "$size" \
    "$((cpu1 - cpu0))" >>"$results"
  "$PM2" delete "$name" >/dev/null 2>&1 || bench_die "pm2 delete $name failed"
  rm -f "$log" "$log.err"
}

# Start the daemon (untimed) so that no run pays for it.
bg list >/dev/null || bench_die "bgrun list failed"
bgrun_daemon_pid

variants=(direct bgrun)
[ -n "$PM2" ] && variants+=(pm2)
echo "writer: $size_mb MB = $expected lines of $line_len bytes; $runs rounds of ${variants[*]} (order rotates)..." >&2
for ((r = 1; r <= runs; r++)); do
  k=${#variants[@]}
  for ((j = 0; j < k; j++)); do
    v="${variants[$(( (j + r - 1) % k ))]}"
    echo "  round $r: $v" >&2
    "run_$v" "$r"
  done
done
ds="$(bg daemon status)"

echo
bench_facts
echo "writer:  yes LINE | head -c $bytes  ($size_mb MB, $expected lines of $line_len bytes), $runs rounds"
echo "daemon:  pid $DAEMON_PID, rss after the runs $(( $(json_field "$ds" rss_bytes) / 1048576 )) MiB"
echo
python3 - "$results" "$bytes" "$factor" "$expected" "$report" <<'EOF'
import os, sys, importlib.util
path, nbytes, factor, expected, report = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
spec = importlib.util.spec_from_file_location("report", report)
rep = importlib.util.module_from_spec(spec); spec.loader.exec_module(rep)
runs = {}
for line in open(path):
    parts = line.rstrip("\n").split("\t")
    fields = dict(p.split("=", 1) for p in parts[2:])
    runs.setdefault(parts[0], []).append(fields)

def col(variant, key):
    return [float(f[key]) for f in runs.get(variant, []) if f.get(key) not in (None, "")]

def mbps(ms):
    return nbytes / 1e6 / (ms / 1000.0)

med = rep.median
rows = []  # label, median ms, median MB/s
def row(label, ms):
    if ms:
        m = med(ms)
        rows.append((label, m, mbps(m), min(ms), max(ms), len(ms)))

row("direct: writer's own time", col("direct", "self_ms"))
row("direct: sh WRITER > file (wall)", col("direct", "wall_ms"))
row("bgrun: writer's own time", col("bgrun", "self_ms"))
row("bgrun: job started_at->ended_at", col("bgrun", "job_ms"))
row("bgrun: run -> status exited (wall)", col("bgrun", "run_to_exited_ms"))
row("pm2: writer's own time", col("pm2", "self_ms"))
row("pm2: writer start -> log done", col("pm2", "capture_ms"))
row("pm2: start -> jlist stopped (wall)", col("pm2", "start_to_stopped_ms"))

base = med(col("direct", "self_ms"))
w = max(len(r[0]) for r in rows)
print(f"{'measure':<{w}}  {'n':>2}  {'median':>9}  {'min':>9}  {'max':>9}  {'MB/s':>7}  {'x direct':>8}")
for label, m, rate, lo, hi, n in rows:
    print(f"{label:<{w}}  {n:>2}  {m:>6.0f} ms  {lo:>6.0f} ms  {hi:>6.0f} ms  {rate:>7.0f}  {mbps(m) / mbps(base):>8.2f}")
print("(x direct = throughput relative to the direct run's writer-own time)")
print()
idx = col("bgrun", "index_ms")
if idx:
    print(f"bgrun line index complete {med(idx):.0f} ms (median; min {min(idx):.0f}, max {max(idx):.0f}) after status "
          f"first said exited, a time that includes the tail calls (a JVM start each); tail calls needed per run: "
          f"{', '.join(f['tail_polls'] for f in runs['bgrun'])}; status calls per run: "
          f"{', '.join(f['polls'] for f in runs['bgrun'])}")
cpu_b = col("bgrun", "cpu_ms"); cpu_p = col("pm2", "cpu_ms")
if cpu_b:
    idx = col("bgrun", "idx_bytes")
    cj = col("bgrun", "cpu_job_ms")
    print(f"bgrun daemon CPU per run: {med(cpu_b):.0f} ms median from run to fully indexed (includes the CLI requests "
          f"it served), {med(cj):.0f} ms of it while the job ran (the writer competes with it for {os.cpu_count()} CPUs); "
          f"lines.idx {med(idx) / 1e6:.0f} MB for {nbytes / 1e6:.0f} MB of output")
if cpu_p:
    print(f"pm2 daemon (God) CPU per run: {med(cpu_p):.0f} ms median")
for v, keys in (("direct", ["lines"]), ("bgrun", ["lines", "indexed"]), ("pm2", ["lines"])):
    for k in keys:
        vals = [int(f[k]) for f in runs.get(v, [])]
        if vals:
            what = {"lines": "wc -l of the log", "indexed": "tail total_lines"}[k]
            ok = all(x == expected for x in vals)
            print(f"{v:>6} {what:<18}: {'all exact' if ok else 'MISMATCH'} ({', '.join(map(str, vals))}; expected {expected})")
print()
lines_ok = all(int(f["lines"]) == expected and int(f["indexed"]) == expected for f in runs.get("bgrun", []))
b_self = med(col("bgrun", "self_ms"))
ratio = mbps(b_self) / mbps(base)
ok = ratio >= factor and lines_ok
print(f"target: bgrun >= {factor} x direct throughput (writer's own clock), exact line count: "
      f"{'MET' if ok else 'NOT MET'} (ratio {ratio:.2f}; line counts {'exact' if lines_ok else 'NOT exact'})")
b_job = med(col("bgrun", "job_ms")); d_wall = med(col("direct", "wall_ms"))
print(f"        the same by bgrun's own view (job started_at->ended_at vs direct sh wall time): ratio "
      f"{(d_wall / b_job):.2f} ({'MET' if d_wall / b_job >= factor and lines_ok else 'NOT MET'})")
if "pm2" in runs:
    p = med(col("pm2", "capture_ms"))
    print(f"        pm2 for comparison: {mbps(p) / mbps(base):.2f} x direct (writer start -> log done); "
          f"bgrun / pm2 = {mbps(b_self) / mbps(p):.2f}")
EOF
if [ "${#errors[@]}" -gt 0 ]; then
  echo
  echo "problems:"
  printf '  %s\n' "${errors[@]}"
fi
