#!/usr/bin/env bash
# The spawn path (issue 10): start N (default 200) jobs over one connection and stop them all with one
# request, paired in the same run with pm2 (an ecosystem file of N apps, then `pm2 delete all`).
# (a) One warm-up round (not counted), then ROUNDS interleaved rounds of:
#     bgrun  a small Java client (lib/BenchClient.java, one connection) sends N run requests (sleep 600),
#            then one stop request for all; then clean (untimed);
#     pm2    `pm2 start ecosystem.config.js` (N apps, each `sleep 600`), then `pm2 delete all`.
#     Targets: bgrun's start and stop each at most 0.5 x pm2's in the same run (medians).
# (b) Once: BIG (default 1000) jobs started over one connection, then one stop request timed (before the
#     redesign that stop took 24-28 s); the same BIG with pm2 beside it when pm2 is there.
# Correctness: after each start all jobs are live (bgrun list / pm2 jlist, and that many `sleep 600`
# processes of this run exist), after each stop none is; the final check looks for any process left.
# bgrun times are the client's, inside its JVM around the requests (the daemon's cost; the client process's
# whole wall time is shown beside them); pm2 times are whole-process wall times of the pm2 CLI.
# Usage: scripts/bench/spawn-path.sh   ROUNDS=N timed rounds (default 5), N=jobs per round (default 200),
#        BIG=N jobs for (b) (default 1000), BGRUN_JAR=path/to/bgrun.jar (default cli/target/bgrun.jar),
#        BENCH_NO_PM2=1 (bgrun half only), BENCH_KEEP=1, BENCH_LOG_DIR=DIR.
# Exits 0 whether or not the targets are met; non-zero when something fails.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

rounds="${ROUNDS:-5}"
n="${N:-200}"
big="${BIG:-1000}"
for v in rounds n big; do
  if ! [[ "${!v}" =~ ^[0-9]+$ ]] || [ "${!v}" -lt 1 ]; then
    echo "spawn-path.sh: ${v^^} must be a whole number of at least 1 (got '${!v}')" >&2
    exit 2
  fi
done
factor=0.5
big_ref=1000
report="$bench_repo/scripts/bench/lib/report.py"
errors=()

bench_init spawn-path
pm2_setup
bench_client_build

# How many `sleep 600` processes of this run are alive (marked, not children of this script): bgrun's jobs
# and pm2's apps are both `sleep 600`; nothing else this run starts is.
sleeps_alive() {
  bench_leftovers | awk '$2 ~ /(^|\/)sleep$/ && $3 == "600" { c++ } END { print c + 0 }'
}
# Waits up to $2 seconds for sleeps_alive to be $1; prints the last count.
sleeps_settle() {
  local want="$1" limit="$2" got i
  for ((i = 0; i <= limit * 4; i++)); do
    got="$(sleeps_alive)"
    [ "$got" -eq "$want" ] && break
    sleep 0.25
  done
  echo "$got"
}

# bgrun_round LABEL PREFIX COUNT: COUNT runs over one connection, checks, one stop-all, checks, clean.
# Sets R_START (ms, in the client), R_START_WALL (ms, the client process), R_STOP, R_STOP_WALL.
bgrun_round() {
  local label="$1" prefix="$2" count="$3" out t0 t1 live alive
  t0=$(now_us)
  out="$(bench_client run "$prefix" 0 "$count")" || bench_die "$label: client run failed: $out"
  t1=$(now_us)
  R_START="$(json_field "$out" ms)"
  R_START_WALL="$(ms_between "$t0" "$t1")"
  [ "$(json_field "$out" count)" -eq "$count" ] && [ "$(json_field "$out" not_live)" -eq 0 ] \
    || errors+=("$label bgrun start: $out")
  live="$(bgrun_live)"
  [ "$live" -eq "$count" ] || errors+=("$label bgrun: $live live jobs per bgrun list after $count runs")
  alive="$(sleeps_settle "$count" 5)"
  [ "$alive" -eq "$count" ] || errors+=("$label bgrun: $alive sleep processes after $count runs")
  t0=$(now_us)
  out="$(bench_client stop-all)" || bench_die "$label: client stop-all failed: $out"
  t1=$(now_us)
  R_STOP="$(json_field "$out" ms)"
  R_STOP_WALL="$(ms_between "$t0" "$t1")"
  [ "$(json_field "$out" count)" -eq "$count" ] || errors+=("$label bgrun stop-all: $out (expected $count)")
  live="$(bgrun_live)"
  [ "$live" -eq 0 ] || errors+=("$label bgrun: $live live jobs per bgrun list after stop-all")
  alive="$(sleeps_settle 0 5)"
  [ "$alive" -eq 0 ] || errors+=("$label bgrun: $alive sleep processes still alive 5 s after stop-all")
  out="$(bench_client clean)" || bench_die "$label: clean failed: $out"
  [ "$(json_field "$out" count)" -eq "$count" ] || errors+=("$label bgrun clean: $out (expected $count)")
}

# pm2_round LABEL PREFIX COUNT: pm2 start of an ecosystem of COUNT apps, checks, delete all, checks.
# Sets R_START and R_STOP (ms, whole pm2 processes); empty when pm2 failed (noted in errors).
pm2_round() {
  local label="$1" prefix="$2" count="$3" file="$bench_tmp/work/eco-$2$3.config.js" t0 t1 online alive
  R_START="" R_STOP=""
  [ -f "$file" ] || ecosystem "$file" "$prefix" 0 "$count"
  t0=$(now_us)
  if timeout 900 "$PM2" start "$file" >"$bench_tmp/pm2.out" 2>&1; then
    t1=$(now_us)
    R_START="$(ms_between "$t0" "$t1")"
  else
    errors+=("$label pm2 start failed or timed out: $(tail -n 3 "$bench_tmp/pm2.out" | tr '\n' ' ')")
  fi
  online="$(pm2_online)"
  [ "$online" -eq "$count" ] || errors+=("$label pm2: $online online per pm2 jlist after start of $count")
  alive="$(sleeps_settle "$count" 5)"
  [ "$alive" -eq "$count" ] || errors+=("$label pm2: $alive sleep processes after start of $count")
  t0=$(now_us)
  if timeout 900 "$PM2" delete all >"$bench_tmp/pm2.out" 2>&1; then
    t1=$(now_us)
    R_STOP="$(ms_between "$t0" "$t1")"
  else
    errors+=("$label pm2 delete all failed or timed out: $(tail -n 3 "$bench_tmp/pm2.out" | tr '\n' ' ')")
  fi
  online="$(pm2_online)"
  [ "$online" -eq 0 ] || errors+=("$label pm2: $online online per pm2 jlist after delete all")
  alive="$(sleeps_settle 0 5)"
  [ "$alive" -eq 0 ] || errors+=("$label pm2: $alive sleep processes still alive 5 s after delete all")
}

# Start the daemon untimed.
bg list >/dev/null || bench_die "bgrun list failed"
bgrun_daemon_pid
[ -n "$DAEMON_PID" ] || bench_die "no daemon after bgrun list"
[ "$(bgrun_live)" -eq 0 ] || bench_die "the fresh daemon already has live jobs"

# ---------------------------------------------------------------- (a) N jobs, ROUNDS rounds
declare -A t
echo "(a) 1 warm-up + $rounds timed round(s) of: bgrun $n runs + stop all over one connection;" \
  "$([ -n "$PM2" ] && echo "pm2 ecosystem of $n + delete all" || echo "no pm2")" >&2
for ((r = 0; r <= rounds; r++)); do
  label="round $r"
  [ "$r" -eq 0 ] && label="warm-up"
  echo "  $label: bgrun" >&2
  bgrun_round "$label" "s$r-" "$n"
  if [ "$r" -gt 0 ]; then
    t[b_start]+="$R_START " t[b_start_wall]+="$R_START_WALL "
    t[b_stop]+="$R_STOP " t[b_stop_wall]+="$R_STOP_WALL "
  fi
  if [ -n "$PM2" ]; then
    echo "  $label: pm2" >&2
    pm2_round "$label" p "$n"
    if [ "$r" -gt 0 ]; then
      t[p_start]+="$R_START " t[p_stop]+="$R_STOP "
    fi
  fi
done
: >"$bench_tmp/a.tsv"
printf '%s\t%s\n' "bgrun: $n runs, 1 connection" "${t[b_start]}" \
  "bgrun: stop all, 1 connection" "${t[b_stop]}" \
  "  (client process: runs, wall)" "${t[b_start_wall]}" \
  "  (client process: stop, wall)" "${t[b_stop_wall]}" >>"$bench_tmp/a.tsv"
if [ -n "$PM2" ]; then
  printf '%s\t%s\n' "pm2 start ecosystem ($n)" "${t[p_start]:-}" "pm2 delete all ($n)" "${t[p_stop]:-}" \
    >>"$bench_tmp/a.tsv"
fi

# ---------------------------------------------------------------- (b) BIG jobs, once
echo "(b) $big jobs once: bgrun over one connection$([ -n "$PM2" ] && echo ", then pm2")" >&2
bgrun_round "$big jobs" "b" "$big"
big_b_start="$R_START" big_b_start_wall="$R_START_WALL" big_b_stop="$R_STOP" big_b_stop_wall="$R_STOP_WALL"
big_p_start="" big_p_stop=""
if [ -n "$PM2" ]; then
  pm2_round "$big jobs" q "$big"
  big_p_start="$R_START" big_p_stop="$R_STOP"
fi

# ---------------------------------------------------------------- report
echo
bench_facts
echo "jobs:    sleep 600 ($(command -v sleep)); bgrun daemon pid $DAEMON_PID, workspace \"bench\""
echo "rounds:  1 untimed warm-up, then $rounds timed; bgrun then pm2 in each; $big jobs once after them"
echo
echo "(a) start, then stop, $n jobs (rounds: $rounds; bgrun: the client's time inside its JVM around the"
echo "    requests, with the client process's whole wall time below; pm2: whole-process wall times)"
python3 "$report" table "$bench_tmp/a.tsv" ms
med() { python3 "$report" median "$bench_tmp/a.tsv" "$1"; }
b_start="$(med "bgrun: $n runs, 1 connection")"
b_stop="$(med "bgrun: stop all, 1 connection")"
echo
python3 -c "print(f'bgrun per job: {$b_start / $n:.2f} ms to start, {$b_stop / $n:.2f} ms to stop (one connection)')"
p_start="" p_stop=""
if [ -n "$PM2" ]; then
  p_start="$(med "pm2 start ecosystem ($n)")"
  p_stop="$(med "pm2 delete all ($n)")"
fi
if [ -n "$p_start" ] && [ -n "$p_stop" ]; then
  python3 -c "print(f'pm2 per app:   {$p_start / $n:.2f} ms to start, {$p_stop / $n:.2f} ms to delete')"
  python3 -c "print(f'ratios bgrun/pm2 (medians): start {$b_start / $p_start:.2f}, stop {$b_stop / $p_stop:.2f} (target <= $factor)')"
  python3 "$report" verdict "start $n: bgrun (1 connection) <= $factor x pm2 start" "$b_start" "<=" \
    "$(python3 -c "print($factor * $p_start)")"
  python3 "$report" verdict "stop $n: bgrun (1 connection) <= $factor x pm2 delete all" "$b_stop" "<=" \
    "$(python3 -c "print($factor * $p_stop)")"
elif [ -n "$PM2" ]; then
  echo "target: start/stop $n <= $factor x pm2: CANNOT JUDGE (pm2 failed; see the problems below)"
else
  echo "target: start/stop $n <= $factor x pm2: CANNOT JUDGE (pm2 unavailable)"
fi

echo
echo "(b) $big jobs, once (ms; bgrun in the client and as the client process's wall time, pm2 whole process)"
row() { printf '  %-36s %8s %8s\n' "$1" "$([ -n "$2" ] && printf '%.0f' "$2" || echo -)" \
  "$([ -n "$3" ] && printf '%.0f' "$3" || echo -)"; }
printf '  %-36s %8s %8s\n' "" "start" "stop"
row "bgrun, 1 connection (in the client)" "$big_b_start" "$big_b_stop"
row "bgrun, client process wall" "$big_b_start_wall" "$big_b_stop_wall"
if [ -n "$PM2" ]; then
  row "pm2 start ecosystem / delete all" "$big_p_start" "$big_p_stop"
fi
python3 -c "print(f'  bgrun per job: {$big_b_start / $big:.2f} ms to start, {$big_b_stop / $big:.2f} ms to stop')"
if [ -n "$big_p_start" ] && [ -n "$big_p_stop" ]; then
  python3 -c "print(f'  ratios bgrun/pm2: start {$big_b_start / $big_p_start:.2f}, stop {$big_b_stop / $big_p_stop:.2f} (one run each; no target)')"
fi
echo "  (before the redesign, stopping $big_ref jobs took 24-28 s)"
if [ "$big" -eq "$big_ref" ]; then
  echo "target: stop of $big_ref jobs measured: MET ($big_b_stop ms over one connection)"
else
  echo "target: stop of $big_ref jobs measured: CANNOT JUDGE (BIG=$big, not $big_ref)"
fi

if [ "${#errors[@]}" -gt 0 ]; then
  echo
  echo "problems:"
  printf '  %s\n' "${errors[@]}"
  bench_errors=$((bench_errors + ${#errors[@]}))
fi
