#!/usr/bin/env bash
# config check at scale: `bgrun config check` (the CLI as installed: C1 + AOT cache) on generated project files
# of 1,000 and 10,000 jobs, in two shapes: a chain (each job after the one before) and random dependencies (up
# to 3 earlier jobs each); every job allocates a port and refers to its first dependency's (${jN.PORT}), so
# the reference checks run too. Reports the median wall clock (and min, max) and the process's CPU time.
# Target: 10,000 jobs checked in at most 2 s (wall clock, median).
# Usage: scripts/bench/config-check.sh   RUNS=N timed runs per file (default 3, at least 1), SIZES="1000 10000",
#        BGRUN_JAR=path/to/bgrun.jar (default cli/target/bgrun.jar), BENCH_KEEP=1.
# Exits 0 whether or not the target is met; non-zero when something fails (a check that does not pass).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

runs="${RUNS:-3}"
sizes="${SIZES:-1000 10000}"
if ! [[ "$runs" =~ ^[0-9]+$ ]] || [ "$runs" -lt 1 ]; then
  echo "config-check.sh: RUNS must be a whole number of at least 1 (got '$runs')" >&2
  exit 2
fi
target_ms=2000

bench_init config-check
bench_facts

# generate FILE N SHAPE: a project of N jobs, SHAPE chain or random (seeded: the same file every run).
generate() {
  python3 - "$@" <<'PY'
import random, sys
path, n, shape = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rnd = random.Random(7)
out = ['workspace = "big"', '']
for i in range(n):
    out += [f'[jobs.j{i}]', 'cmd = "sleep 600"', 'allocate-port = ["PORT"]']
    if i > 0:
        deps = [i - 1] if shape == 'chain' else sorted({rnd.randrange(i) for _ in range(min(i, 3))})
        out.append('after = [' + ', '.join(f'"j{d}"' for d in deps) + ']')
        out.append(f'env = {{ UP = "${{j{deps[0]}.PORT}}" }}')
    out.append('')
open(path, 'w').write('\n'.join(out))
PY
}

echo
printf '%-8s %-7s %10s %10s %10s %10s  %s\n' jobs shape median_ms min_ms max_ms cpu_ms target
for n in $sizes; do
  for shape in chain random; do
    file="$bench_tmp/work/$shape-$n.toml"
    generate "$file" "$n" "$shape"
    bg config check "$file" --json >/dev/null || bench_die "config check failed on $file"  # untimed warm-up
    walls=() cpus=()
    for ((r = 0; r < runs; r++)); do
      t0="$(now_us)"
      bg config check "$file" --json >/dev/null || bench_die "config check failed on $file"
      t1="$(now_us)"
      walls+=("$(( (t1 - t0) / 1000 ))")
    done
    read -r median min max < <(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)], a[1], a[NR]}')
    # CPU time (user + system) of one more run: on a busy machine it says what wall clock cannot.
    cpu="$( { /usr/bin/time -f '%U %S' "$bench_repo/scripts/lib/run-jar.sh" "$BGRUN_JAVA_HOME" "$bench_jar" config check "$file" --json >/dev/null; } 2>&1 | tail -n 1 | awk '{printf "%d", ($1 + $2) * 1000}')"
    verdict="-"
    if [ "$n" -ge 10000 ]; then
      verdict="$([ "$median" -le "$target_ms" ] && echo "met (<= ${target_ms} ms)" || echo "MISSED (> ${target_ms} ms)")"
    fi
    printf '%-8s %-7s %10s %10s %10s %10s  %s\n' "$n" "$shape" "$median" "$min" "$max" "$cpu" "$verdict"
  done
done
