#!/usr/bin/env bash
# A chain of dependencies: a bgrun.toml of CHAIN (default 100) jobs j0..j99, each `after` the one before, each
# ready at once, brought up by `bgrun run-group -f FILE --json` with the daemon already running and warmed.
# Timed: the whole run-group process, from start to return (wall clock), and the daemon's own share (the
# result's elapsed_ms). Between runs `bgrun down --clean -f FILE` (also timed, for the record) removes the jobs.
# Two variants of "ready at once":
#   none  no readiness rule (ready once spawned); cmd = "exec sleep 600"
#   line  ready-when = "up" on a line printed at once; cmd = "echo up; exec sleep 600"
# Then one more run per variant with --stream, whose transition events (starting, running, ready, with the
# daemon's timestamps) split the chain's time per job into: scheduler (the previous job ready -> this one
# starting), spawn (starting -> running: the wrapper processes up and the job's pid known) and readiness
# (running -> ready).
# Target: run-group of the 100-job chain at most 1 s in all (wall clock, median).
# Usage: scripts/bench/run-group-chain.sh   RUNS=N timed runs per variant (default 5, at least 3),
#        CHAIN=N jobs (default 100), VARIANTS="none line", BGRUN_JAR=path/to/bgrun.jar (default
#        cli/target/bgrun.jar), BENCH_KEEP=1, BENCH_LOG_DIR=DIR.
# Exits 0 whether or not the target is met; non-zero when something fails.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

runs="${RUNS:-5}"
chain="${CHAIN:-100}"
variants="${VARIANTS:-none line}"
if ! [[ "$runs" =~ ^[0-9]+$ ]] || [ "$runs" -lt 3 ]; then
  echo "run-group-chain.sh: RUNS must be a whole number of at least 3 (got '$runs')" >&2
  exit 2
fi
if ! [[ "$chain" =~ ^[0-9]+$ ]] || [ "$chain" -lt 2 ] || [ "$chain" -gt 2000 ]; then
  echo "run-group-chain.sh: CHAIN must be a whole number from 2 to 2000 (got '$chain')" >&2
  exit 2
fi
for v in $variants; do
  case "$v" in none | line) ;; *) echo "run-group-chain.sh: unknown variant '$v' in VARIANTS" >&2; exit 2 ;; esac
done
warmups=2
target_ms=1000
report="$bench_repo/scripts/bench/lib/report.py"
errors=()

bench_init run-group-chain

# chain_file VARIANT: writes the project file of the chain, prints its path.
chain_file() {
  local v="$1" dir="$bench_tmp/work/$1" i
  mkdir -p "$dir"
  {
    echo "# $chain jobs, each after the one before, each ready at once ($v)"
    echo "workspace = \"chain-$v\""
    for ((i = 0; i < chain; i++)); do
      echo
      echo "[jobs.j$i]"
      if [ "$v" = line ]; then
        echo 'cmd = "echo up; exec sleep 600"'
        echo 'ready-when = "up"'
      else
        echo 'cmd = "exec sleep 600"'
      fi
      [ "$i" -gt 0 ] && echo "after = [\"j$((i - 1))\"]"
    done
  } >"$dir/bgrun.toml"
  echo "$dir/bgrun.toml"
}

# Live jobs of a workspace.
live_in() { bg list | grep -F "\"workspace\":\"$1\"" | grep -cE '"state":"(ready|running|starting|waiting)"' || true; }
jobs_in() { bg list | grep -cF "\"workspace\":\"$1\"" || true; }

# Start the daemon, untimed, and warm its request path.
bg list >/dev/null || bench_die "bgrun list failed"
bgrun_daemon_pid
[ -n "$DAEMON_PID" ] || bench_die "no daemon after bgrun list"

# The CLI's fixed cost next to the daemon: `bgrun list` (no jobs), and `config check` of the chain file (the
# TOML read and checked, no daemon).
first_file="$(chain_file "${variants%% *}")"
t_list="" t_check=""
for ((i = 0; i < warmups + runs; i++)); do
  t0=$(now_us); bg list >/dev/null || bench_die "bgrun list failed"; t1=$(now_us)
  bg config check "$first_file" >/dev/null 2>&1 || bench_die "bgrun config check $first_file failed"
  t2=$(now_us)
  if [ "$i" -ge "$warmups" ]; then
    t_list+="$(ms_between "$t0" "$t1") "
    t_check+="$(ms_between "$t1" "$t2") "
  fi
done

: >"$bench_tmp/wall.tsv"
: >"$bench_tmp/diag.txt"
printf '%s\t%s\n' "bgrun list (CLI floor, 0 jobs)" "$t_list" "bgrun config check (chain file)" "$t_check" \
  >>"$bench_tmp/wall.tsv"
for v in $variants; do
  file="$(chain_file "$v")"
  ws="chain-$v"
  wall="" daemon="" last_reached="" down=""
  echo "variant $v: $warmups warm-up + $runs timed runs of run-group ($chain jobs), then one --stream run" >&2
  for ((i = 0; i < warmups + runs + 1; i++)); do
    stream=()
    [ "$i" -eq $((warmups + runs)) ] && stream=(--stream)
    status=0
    t0=$(now_us)
    bg run-group -f "$file" --json "${stream[@]}" >"$bench_tmp/out.json" 2>"$bench_tmp/err" || status=$?
    t1=$(now_us)
    [ "$status" -eq 0 ] || bench_die "run-group ($v, run $((i + 1))) exited $status: $(head -c 600 "$bench_tmp/err")$(tail -c 600 "$bench_tmp/out.json")"
    result="$(tail -n 1 "$bench_tmp/out.json")"
    read -r ok elapsed reached count < <(python3 -c '
import json, sys
r = json.loads(sys.argv[1])
reached = [j["reached_ms"] for j in r["jobs"] if j.get("reached_ms") is not None]
print(str(r.get("ok")).lower(), r.get("elapsed_ms"), max(reached) if reached else "-", len(r["jobs"]))' "$result")
    [ "$ok" = true ] && [ "$count" -eq "$chain" ] || bench_die "run-group ($v): ok=$ok, $count jobs: $(head -c 600 <<<"$result")"
    live="$(live_in "$ws")"
    [ "$live" -eq "$chain" ] || errors+=("$v run $((i + 1)): $live live jobs after run-group, expected $chain")
    if [ "${#stream[@]}" -gt 0 ]; then
      cp "$bench_tmp/out.json" "$bench_tmp/stream-$v.json"
      stream_wall="$(ms_between "$t0" "$t1")"
      stream_elapsed="$elapsed"
    elif [ "$i" -ge "$warmups" ]; then
      wall+="$(ms_between "$t0" "$t1") "
      daemon+="$elapsed "
      last_reached+="$reached "
    fi
    t2=$(now_us)
    bg down --clean -f "$file" >"$bench_tmp/down.out" 2>&1 || bench_die "down --clean ($v) failed: $(head -c 600 "$bench_tmp/down.out")"
    t3=$(now_us)
    [ "$i" -ge "$warmups" ] && [ "${#stream[@]}" -eq 0 ] && down+="$(ms_between "$t2" "$t3") "
    left="$(jobs_in "$ws")"
    [ "$left" -eq 0 ] || bench_die "down --clean ($v) left $left jobs in $ws"
  done
  printf '%s\t%s\n' "$v: run-group, wall clock" "$wall" "$v: run-group, daemon elapsed_ms" "$daemon" \
    "$v: last job reached (reached_ms)" "$last_reached" "$v: down --clean, wall clock" "$down" >>"$bench_tmp/wall.tsv"
  echo "$v|$stream_wall|$stream_elapsed" >>"$bench_tmp/diag.txt"
done

# ---------------------------------------------------------------- report
echo
bench_facts
echo "chain:   $chain jobs j0..j$((chain - 1)), each after the one before; daemon pid $DAEMON_PID, warmed by"\
  "$warmups untimed runs per variant"
echo "runs:    $runs timed runs per variant; down --clean between runs"
echo
python3 "$report" table "$bench_tmp/wall.tsv" ms
echo
floor="$(python3 "$report" median "$bench_tmp/wall.tsv" "bgrun list (CLI floor, 0 jobs)")"
for v in $variants; do
  w="$(python3 "$report" median "$bench_tmp/wall.tsv" "$v: run-group, wall clock")"
  d="$(python3 "$report" median "$bench_tmp/wall.tsv" "$v: run-group, daemon elapsed_ms")"
  python3 -c "print(f'$v: wall {$w:.0f} ms = daemon {$d:.0f} ms + {$w - $d:.0f} ms in the CLI (JVM, the TOML, the request, the answer);'
                    f' per job {$d / $chain:.2f} ms in the daemon; CLI floor (bgrun list) {$floor:.0f} ms')"
done
echo
echo "where the daemon's time goes, from one --stream run per variant (transition timestamps; per job, median and sum):"
while IFS='|' read -r v sw se; do
  python3 - "$bench_tmp/stream-$v.json" "$v" "$sw" "$se" "$chain" <<'EOF'
import json, statistics, sys
from datetime import datetime, timezone
path, variant, wall, elapsed, n = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])

def ns(at):
    # An Instant's text: 2026-01-02T03:04:05.123456789Z (the fraction may be shorter or missing).
    main, _, frac = at.rstrip("Z").partition(".")
    secs = int(datetime.strptime(main, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp())
    return secs * 1_000_000_000 + int((frac + "000000000")[:9])

times = {}
result = None
for line in open(path):
    item = json.loads(line)
    if item.get("type") == "transition":
        times.setdefault(item["job"], {}).setdefault(item["to"], ns(item["at"]))
    elif item.get("type") == "result":
        result = item
order = [f"j{i}" for i in range(n)]
missing = [j for j in order if not all(k in times.get(j, {}) for k in ("starting", "running", "ready"))]
if missing:
    print(f"  {variant}: transitions missing for {len(missing)} jobs (e.g. {missing[:3]}); no breakdown")
    sys.exit(0)
sched = [(times[b]["starting"] - times[a]["ready"]) / 1e6 for a, b in zip(order, order[1:])]
spawn = [(times[j]["running"] - times[j]["starting"]) / 1e6 for j in order]
ready = [(times[j]["ready"] - times[j]["running"]) / 1e6 for j in order]
first = min(t for j in order for t in times[j].values())
submitted = max(times[j].get("waiting", first) for j in order)
span = (times[order[-1]]["ready"] - first) / 1e6
def show(label, xs):
    print(f"    {label:<44} median {statistics.median(xs):7.2f}  p90 {sorted(xs)[int(0.9 * (len(xs) - 1))]:7.2f}"
          f"  max {max(xs):7.2f}  sum {sum(xs):8.1f} ms")
print(f"  {variant}: --stream run: wall {float(wall):.0f} ms, daemon elapsed_ms {elapsed}; first transition -> "
      f"last ready {span:.0f} ms; all {n} submitted (waiting) after {(submitted - first) / 1e6:.1f} ms")
show("scheduler: previous ready -> starting", sched)
show("spawn: starting -> running (pid known)", spawn)
show("readiness: running -> ready", ready)
EOF
done <"$bench_tmp/diag.txt"
echo
for v in $variants; do
  python3 "$report" verdict "$v: run-group of $chain chained jobs <= $target_ms ms (wall clock median)" \
    "$(python3 "$report" median "$bench_tmp/wall.tsv" "$v: run-group, wall clock")" "<=" "$target_ms"
done
if [ "${#errors[@]}" -gt 0 ]; then
  echo
  echo "problems:"
  printf '  %s\n' "${errors[@]}"
  bench_errors=$((bench_errors + ${#errors[@]}))
fi
