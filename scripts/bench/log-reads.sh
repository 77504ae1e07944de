#!/usr/bin/env bash
# Log reads on a big log: `tail --lines 100` on a job whose log is 1 GiB, and `diff` after 1 MB of new output.
# One job (a small python3 program) writes LOG_MB MiB (default 1024) of 100-byte numbered lines as fast as it
# can (one line in ERROR_EVERY, default 100,000, says "ERROR"; the others have no level word), with
# log-max-size-mb 2048 so that rotation keeps all of it. Then it stays alive, and each time the script pokes
# its FIFO it writes DIFF_LINES (default 10,000) more lines, 1 MB. The script waits until the daemon has
# indexed every line (a `tail` of 0 lines answers total_lines; the job's own count is known), then times:
#   tail     `tail` with lines=100 on that log, round by round and interleaved:
#              bgrun tail (socket)  one request over one open connection from a long-lived client
#                                   (lib/LogClient.java): the daemon's round trip, JSON both ways, no JVM start;
#              bgrun tail (CLI)     `bgrun tail lr/big --lines 100 --json > /dev/null`, a whole process;
#              GNU tail -n 100      on the same stdout.log, for comparison;
#              bgrun --version      a CLI process that asks the daemon nothing (the process's share of the CLI);
#              java hello world     the JVM's own floor on this machine (C1, SerialGC, as the CLI runs).
#            The daemon's rchar (/proc/PID/io: bytes it read by system calls, page cache or not) over the socket
#            requests shows that a tail reads a window, not the file. The page cache is warm (the log was just
#            written): cold-disk reads are not measured.
#   filtered `tail --level error` with lines=10 and lines=100 over the socket: errors are rare, so the daemon
#            reads the index and the lines backwards until it has found them (about 1 M and 10 M lines with
#            the defaults). Reported, not a target; `tac FILE | grep -m N` (the same backward scan by GNU tools)
#            is shown next to it.
#   diff     two daemon-kept cursors (one for the socket client, one for the CLI) are set at the end of the
#            log (a new cursor starts at line 0, so this takes a diff whose filter, --stream stderr, matches no
#            line: one pass over the whole log, timed and reported as set-up); then per round the job writes 1 MB, the script waits until it is indexed, and times a diff
#            with lines=100000 (so all 10,000 lines come back) over the socket, then `bgrun diff lr/big --name
#            cli --lines 100000 --json` as a whole process. Both must return exactly the new lines. Reported
#            in ms and in MB/s of line content (1 MB = 10^6 bytes).
# Also reported: the time the writer took, how long the index lagged behind it, the daemon's CPU time while
# the log was written and indexed, the disk used by stdout.log and lines.idx (48 bytes a line), the daemon's
# resident memory after each phase, and (with the JDK's jstat) its young collections during the timed diffs.
# Target: bgrun tail --lines 100 on the 1 GiB log, median <= 100 ms (judged for the socket round trip and for
# the whole CLI process); no target for the filtered tail or for diff.
# Usage: scripts/bench/log-reads.sh   RUNS=N timed tail rounds (default 20, at least 5), DIFF_RUNS=N (default
#        20, at least 5), FILTER_RUNS=N per filtered variant (default 3, at least 1), LOG_MB=N (default 1024),
#        ERROR_EVERY=N (default 100000), DIFF_LINES=N (default 10000), BGRUN_JAR=path/to/bgrun.jar,
#        BENCH_KEEP=1, BENCH_LOG_DIR=DIR. Needs about 1.6 x LOG_MB of free space in /tmp (log and index).
# Exits 0 whether or not the target is met; non-zero when something fails.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

whole() { # whole NAME VALUE MIN
  if ! [[ "$2" =~ ^[0-9]+$ ]] || [ "$2" -lt "$3" ]; then
    echo "log-reads.sh: $1 must be a whole number of at least $3 (got '$2')" >&2
    exit 2
  fi
}
runs="${RUNS:-20}"; whole RUNS "$runs" 5
diff_runs="${DIFF_RUNS:-20}"; whole DIFF_RUNS "$diff_runs" 5
filter_runs="${FILTER_RUNS:-3}"; whole FILTER_RUNS "$filter_runs" 1
log_mb="${LOG_MB:-1024}"; whole LOG_MB "$log_mb" 1
error_every="${ERROR_EVERY:-100000}"; whole ERROR_EVERY "$error_every" 1
diff_lines="${DIFF_LINES:-10000}"; whole DIFF_LINES "$diff_lines" 1
[ "$log_mb" -le 2000 ] || { echo "log-reads.sh: LOG_MB must be at most 2000 (the job's log-max-size-mb is 2048)" >&2; exit 2; }
warmups=3
diff_warmups=5 # the daemon's diff path (10,000 lines to JSON) needs a few rounds to be compiled
target_ms=100
line_len=100
total_lines=$((log_mb * 1048576 / line_len))
index_limit_s=600
report="$bench_repo/scripts/bench/lib/report.py"
ws=lr
ref="$ws/big"
errors=()

need_kb=$((log_mb * 1048576 / 1024 * 16 / 10))
avail_kb="$(df -Pk /tmp | awk 'NR == 2 {print $4}')"
if [ "$avail_kb" -lt "$need_kb" ]; then
  echo "log-reads.sh: /tmp has $((avail_kb / 1024)) MiB free; the log and its index need about $((need_kb / 1024)) MiB" >&2
  exit 2
fi

bench_init log-reads
command -v python3 >/dev/null || bench_die "python3 is needed (the job is a python3 program)"
py="$(python3 -c 'import sys; print(sys.executable)')"

# ---------------------------------------------------------------- the job program
gen="$bench_tmp/gen.py"
cat >"$gen" <<'EOF'
# gen.py LINES ERROR_EVERY GATE STAMP CHUNK: writes lines 1..LINES (100 bytes each: a 12-digit number, text,
# dots, newline; line k says ERROR when k % ERROR_EVERY == 0) as fast as it can, records "start_ns end_ns" in
# STAMP, then each time something is written to the FIFO GATE writes CHUNK more lines, numbered on.
import os, sys, time
lines, every, gate, stamp, chunk = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
plain = (b" bench log line: ordinary output of a busy job, nothing to see here" + b"." * 87)[:87] + b"\n"
error = (b" ERROR: rare failure in the benchmark generator" + b"." * 87)[:87] + b"\n"

def write(first, count):
    k, end = first, first + count
    while k < end:
        stop = min(end, k + 20000)
        data = memoryview(b"".join(b"%012d%s" % (i, error if i % every == 0 else plain) for i in range(k, stop)))
        while data:
            data = data[os.write(1, data):]
        k = stop

start = time.time_ns()
write(1, lines)
end = time.time_ns()
with open(stamp + ".tmp", "w") as f:
    f.write(f"{start} {end}\n")
os.rename(stamp + ".tmp", stamp)
nxt = lines + 1
while True:
    with open(gate) as f:
        f.read()
    write(nxt, chunk)
    nxt += chunk
EOF

# CPU time (user + system) a process has used, in ms; 0 when it is gone.
clk_tck="$(getconf CLK_TCK)"
proc_cpu_ms() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || { echo 0; return; }
  stat="${stat##*) }"
  local f=($stat)
  echo $(( (f[11] + f[12]) * 1000 / clk_tck ))
}
# Bytes a process has read by system calls (rchar in /proc/PID/io).
proc_rchar() { awk '/^rchar:/ {print $2}' "/proc/$1/io"; }
# Resident memory of a process, in MiB.
proc_rss_mb() { awk '/^VmRSS:/ {print int($2 / 1024)}' "/proc/$1/status"; }
# The daemon's young collections so far and their total time in ms ("COUNT MS"), from jstat; empty without it.
young_gcs() {
  [ -x "$BGRUN_JAVA_HOME/bin/jstat" ] || return 0
  "$BGRUN_JAVA_HOME/bin/jstat" -gc "$DAEMON_PID" 2>/dev/null | awk 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i}
    NR == 2 {printf "%d %.0f\n", $c["YGC"], $c["YGCT"] * 1000}'
}

# ---------------------------------------------------------------- the client, as a coprocess
bg list >/dev/null || bench_die "bgrun list failed"
bgrun_daemon_pid
[ -n "$DAEMON_PID" ] || bench_die "no daemon after bgrun list"
mkdir -p "$bench_tmp/client"
"$BGRUN_JAVA_HOME/bin/javac" -cp "$bench_jar" -d "$bench_tmp/client" "$bench_repo/scripts/bench/lib/LogClient.java" \
  || bench_die "javac failed on scripts/bench/lib/LogClient.java"
coproc CLIENT { exec "$BGRUN_JAVA_HOME/bin/java" -XX:+UseSerialGC -cp "$bench_jar:$bench_tmp/client" LogClient \
  "$BGRUN_HOME" "$ws" 2>"$bench_tmp/client.err"; }
client_pid="$CLIENT_PID"
client_in="${CLIENT[1]}"
client_out="${CLIENT[0]}"

log_reads_cleanup() {
  local status=$?
  set +e
  if [ -n "${client_pid:-}" ]; then
    kill -TERM "$client_pid" 2>/dev/null
    wait_gone "$client_pid" 5
  fi
  (exit "$status")
  bench_cleanup
}
trap log_reads_cleanup EXIT

to_client() { printf '%s\n' "$1" >&"$client_in"; }
# ask LINE [TIMEOUT_S]: sends a command and sets REPLY_LINE to the answer (dies on an error or a timeout).
ask() {
  to_client "$1"
  REPLY_LINE=""
  if ! IFS= read -r -t "${2:-60}" REPLY_LINE <&"$client_out"; then
    bench_die "no answer from the client to '$1' within ${2:-60} s (its stderr: $(head -c 500 "$bench_tmp/client.err" 2>/dev/null))"
  fi
  [[ "$REPLY_LINE" != error* ]] || bench_die "client: '$1': $REPLY_LINE"
}
# us_ms US: microseconds as milliseconds with 3 decimals.
us_ms() { echo "$(($1 / 1000)).$(printf '%03d' $(($1 % 1000)))"; }

# ---------------------------------------------------------------- write the big log
gate="$bench_tmp/gate.fifo"
stamp="$bench_tmp/gen.stamp"
mkfifo "$gate"
daemon_cpu0=$(proc_cpu_ms "$DAEMON_PID")
echo "writing $log_mb MiB ($total_lines lines of $line_len bytes) through job $ref..." >&2
ask "run big {\"cmd\":[\"$py\",\"$gen\",\"$total_lines\",\"$error_every\",\"$gate\",\"$stamp\",\"$diff_lines\"],\"log-max-size-mb\":2048}"
read -r _ _ state job_id <<<"$REPLY_LINE"
[ "$state" = running ] || [ "$state" = ready ] || bench_die "run big: $REPLY_LINE"
job_dir="$BGRUN_HOME/jobs/$job_id"
[ -d "$job_dir" ] || bench_die "no job directory at $job_dir"
for ((i = 0; ; i++)); do
  [ -s "$stamp" ] && break
  ask "state $ref"
  [ "$REPLY_LINE" = "state running" ] || [ "$REPLY_LINE" = "state ready" ] \
    || bench_die "the writer job is ${REPLY_LINE#state } before it finished writing (its log: $(tail -c 300 "$job_dir/stderr.log"))"
  [ "$i" -lt $((index_limit_s * 5)) ] || bench_die "the writer did not finish within $index_limit_s s"
  sleep 0.2
done
read -r w_start w_end <"$stamp"
# Indexed? The daemon indexes in the background (deferred while the writer writes flat out); a tail of 0
# lines also makes it index whatever is pending. Polled every 100 ms.
for ((i = 0; ; i++)); do
  ask "count $ref" "$index_limit_s"
  n="${REPLY_LINE#count }"
  [ "$n" -ge "$total_lines" ] && break
  [ "$i" -lt $((index_limit_s * 10)) ] || bench_die "only $n of $total_lines lines indexed after $index_limit_s s"
  sleep 0.1
done
t_indexed_ns="$(($(now_us) * 1000))"
[ "$n" -eq "$total_lines" ] || bench_die "the daemon counts $n lines, the job wrote $total_lines"
daemon_cpu_write=$(( $(proc_cpu_ms "$DAEMON_PID") - daemon_cpu0 ))
write_s="$(python3 -c "print(f'{($w_end - $w_start) / 1e9:.1f}')")"
lag_ms=$(( (t_indexed_ns - w_end) / 1000000 ))
log_file="$job_dir/stdout.log"
idx_file="$job_dir/lines.idx"
log_bytes=$(stat -c %s "$log_file")
idx_bytes=$(stat -c %s "$idx_file")
[ "$log_bytes" -eq $((total_lines * line_len)) ] || bench_die "stdout.log is $log_bytes bytes, expected $((total_lines * line_len))"
log_disk_kb=$(du -k "$log_file" | cut -f1)
idx_disk_kb=$(du -k "$idx_file" | cut -f1)
echo "written in ${write_s}s; indexed ${lag_ms} ms after the writer finished" >&2
rss_indexed=$(proc_rss_mb "$DAEMON_PID")

# ---------------------------------------------------------------- tail, interleaved
v_socket() {
  ask "tail $ref 100"
  local us shown total first last bytes
  read -r _ us shown total first last bytes <<<"$REPLY_LINE"
  if [ "$shown" != 100 ] || [ "$last" != "$total_lines" ] || [ "$first" != $((total_lines - 99)) ]; then
    bench_die "socket tail: unexpected answer: $REPLY_LINE"
  fi
  tail_answer_bytes="$bytes"
  SAMPLE_MS="$(us_ms "$us")"
}
v_cli() { bg tail "$ref" --lines 100 --json; }
v_gnu() { tail -n 100 "$log_file"; }
v_version() { bg --version; }
v_hello() { "$BGRUN_JAVA_HOME/bin/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$bench_tmp" Hello; }
labels=("bgrun tail (socket)" "bgrun tail (CLI)" "GNU tail -n 100" "bgrun --version (CLI, no request)"
  "java hello world (C1, SerialGC)")
funcs=(v_socket v_cli v_gnu v_version v_hello)
cat >"$bench_tmp/Hello.java" <<'EOF'
public class Hello {
    public static void main(String[] args) {
        System.out.println("Hello, world");
    }
}
EOF
"$BGRUN_JAVA_HOME/bin/javac" -d "$bench_tmp" "$bench_tmp/Hello.java" || bench_die "javac failed on the hello world"
# The CLI's answer, checked once, untimed.
cli_out="$(v_cli)" || bench_die "bgrun tail failed: $cli_out"
[[ "$cli_out" == *'"shown":100,'* ]] && [[ "$cli_out" == *"\"line_number\":$total_lines,"* ]] \
  || bench_die "bgrun tail --json: unexpected answer: ${cli_out:0:300}"
cli_tail_bytes=${#cli_out}
[ "$(v_gnu | wc -l)" -eq 100 ] || bench_die "GNU tail did not print 100 lines"

declare -A times
echo "tail: ${#funcs[@]} variants, $warmups warm-up + $runs timed rounds, interleaved..." >&2
for ((round = 0; round < warmups + runs; round++)); do
  for i in "${!funcs[@]}"; do
    if [ "${funcs[$i]}" = v_socket ]; then
      v_socket
      ms="$SAMPLE_MS"
    else
      status=0
      start=$(now_us)
      "${funcs[$i]}" >/dev/null 2>"$bench_tmp/err" || status=$?
      end=$(now_us)
      [ "$status" -eq 0 ] || bench_die "${labels[$i]} exited $status: $(head -c 500 "$bench_tmp/err")"
      ms="$(us_ms $((end - start)))"
    fi
    [ "$round" -lt "$warmups" ] || times[$i]+="$ms "
  done
done
: >"$bench_tmp/tail.tsv"
for i in "${!funcs[@]}"; do
  printf '%s\t%s\n' "${labels[$i]}" "${times[$i]}" >>"$bench_tmp/tail.tsv"
done
# What one tail reads: the daemon's rchar over 20 socket requests (the requests' own bytes included).
rchar0=$(proc_rchar "$DAEMON_PID")
for ((i = 0; i < 20; i++)); do v_socket; done
tail_read_kb=$(( ($(proc_rchar "$DAEMON_PID") - rchar0) / 20 / 1024 ))
rss_tail=$(proc_rss_mb "$DAEMON_PID")

# ---------------------------------------------------------------- filtered tails (socket), and tac | grep
errors_in_log=$((total_lines / error_every))
: >"$bench_tmp/filter.tsv"
declare -A filter_read_mb
for n in 10 100; do
  # The lines the answer must have: the last n error lines (fewer if the log has fewer).
  want=$((errors_in_log < n ? errors_in_log : n))
  samples=""
  echo "filtered tail --level error --lines $n: 1 warm-up + $filter_runs timed..." >&2
  rchar0=$(proc_rchar "$DAEMON_PID")
  for ((r = 0; r < 1 + filter_runs; r++)); do
    ask "tail $ref $n error" 900
    read -r _ us shown total first last bytes <<<"$REPLY_LINE"
    [ "$shown" -eq "$want" ] || bench_die "tail --level error --lines $n: $shown lines, expected $want: $REPLY_LINE"
    [ "$want" -eq 0 ] || [ "$last" -eq $((errors_in_log * error_every)) ] || bench_die "tail --level error: last line $last: $REPLY_LINE"
    [ "$r" -eq 0 ] || samples+="$(us_ms "$us") "
  done
  filter_read_mb[$n]=$(( ($(proc_rchar "$DAEMON_PID") - rchar0) / (1 + filter_runs) / 1048576 ))
  printf '%s\t%s\n' "bgrun tail --level error --lines $n (socket)" "$samples" >>"$bench_tmp/filter.tsv"
  samples=""
  for ((r = 0; r < 1 + filter_runs; r++)); do
    start=$(now_us)
    got=$(set +o pipefail; tac "$log_file" | grep -m "$n" -i -E 'error|fatal|panic|exception' | wc -l)
    end=$(now_us)
    [ "$got" -eq "$want" ] || bench_die "tac | grep -m $n found $got lines, expected $want"
    [ "$r" -eq 0 ] || samples+="$(us_ms $((end - start))) "
  done
  printf '%s\t%s\n' "tac | grep -m $n (same backward scan)" "$samples" >>"$bench_tmp/filter.tsv"
done

rss_filtered=$(proc_rss_mb "$DAEMON_PID")

# ---------------------------------------------------------------- diff after 1 MB
# A new cursor starts at line 0: a plain diff would return the whole log. A diff whose filter matches no line
# (--stream stderr: the job writes none) looks at every line once and leaves the cursor at the end.
skip_ms=""
for name in sock cli; do
  echo "diff: moving cursor $name to the end of the log (a --stream stderr diff: one pass over every line)..." >&2
  ask "diff $ref $name 1 stderr" 900
  read -r _ us shown cursor more _ <<<"$REPLY_LINE"
  [ "$shown" = 0 ] && [ "$cursor" = "$total_lines" ] && [ "$more" = false ] \
    || bench_die "the cursor-setting diff did not end at line $total_lines: $REPLY_LINE"
  skip_ms+="$(us_ms "$us") "
done
expected=$total_lines
diff_bytes=$((diff_lines * line_len))
: >"$bench_tmp/diff.tsv"
sock_samples=""; cli_samples=""; sock_rate=""; cli_rate=""
echo "diff: $diff_warmups warm-up + $diff_runs timed rounds of $diff_lines new lines ($diff_bytes bytes)..." >&2
for ((round = 0; round < diff_warmups + diff_runs; round++)); do
  [ "$round" -ne "$diff_warmups" ] || gc0="$(young_gcs)"
  timeout 10 bash -c 'echo go >"$1"' _ "$gate" || bench_die "the job did not take the gate"
  expected=$((expected + diff_lines))
  for ((i = 0; ; i++)); do
    ask "count $ref"
    [ "${REPLY_LINE#count }" -ge "$expected" ] && break
    [ "$i" -lt 600 ] || bench_die "round $round: only ${REPLY_LINE#count } of $expected lines after 60 s"
    sleep 0.1
  done
  [ "${REPLY_LINE#count }" -eq "$expected" ] || bench_die "round $round: ${REPLY_LINE#count } lines, expected $expected"
  ask "diff $ref sock 100000"
  read -r _ us shown cursor more first last content bytes <<<"$REPLY_LINE"
  if [ "$shown" != "$diff_lines" ] || [ "$more" != false ] || [ "$last" != "$expected" ] \
      || [ "$first" != $((expected - diff_lines + 1)) ] || [ "$content" != "$diff_bytes" ]; then
    bench_die "socket diff, round $round: unexpected answer: $REPLY_LINE"
  fi
  diff_answer_bytes="$bytes"
  start=$(now_us)
  bg diff "$ref" --name cli --lines 100000 --json >"$bench_tmp/diff.json" 2>"$bench_tmp/err" \
    || bench_die "bgrun diff exited non-zero: $(head -c 300 "$bench_tmp/err")"
  end=$(now_us)
  got=$(grep -o '"line_number":' "$bench_tmp/diff.json" | wc -l)
  grep -q "\"line_number\":$expected," "$bench_tmp/diff.json" && [ "$got" -eq "$diff_lines" ] \
    || bench_die "bgrun diff, round $round: $got lines, or not up to line $expected"
  if [ "$round" -ge "$diff_warmups" ]; then
    sock_samples+="$(us_ms "$us") "
    cli_samples+="$(us_ms $((end - start))) "
    # MB/s of line content (the newlines counted, as in the file).
    sock_rate+="$(python3 -c "print(f'{$diff_bytes / $us:.2f}')") "
    cli_rate+="$(python3 -c "print(f'{$diff_bytes / ($end - $start):.2f}')") "
  fi
done
cli_diff_bytes=$(stat -c %s "$bench_tmp/diff.json")
gc1="$(young_gcs)"
rss_diff=$(proc_rss_mb "$DAEMON_PID")
printf '%s\t%s\n' "bgrun diff (socket)" "$sock_samples" "bgrun diff (CLI)" "$cli_samples" >>"$bench_tmp/diff.tsv"
printf '%s\t%s\n' "bgrun diff (socket)" "$sock_rate" "bgrun diff (CLI)" "$cli_rate" >"$bench_tmp/diffrate.tsv"
ask "stop $ref"
to_client quit
wait "$client_pid" 2>/dev/null || true
client_pid=""

# ---------------------------------------------------------------- report
echo
bench_facts
echo "daemon:  pid $DAEMON_PID; rss $rss_indexed MiB once the log was indexed, $rss_tail MiB after the tails," \
  "$rss_filtered MiB after the filtered tails, $rss_diff MiB after the diffs (the daemon runs with -Xmx1g)"
echo
echo "the log: $total_lines lines of $line_len bytes ($log_mb MiB) written by one job in ${write_s}s" \
  "($(python3 -c "print(f'{$log_bytes / 1048576 / (($w_end - $w_start) / 1e9):.0f}')") MiB/s);"
echo "  indexed ${lag_ms} ms after the writer finished; the daemon used $(python3 -c "print(f'{$daemon_cpu_write / 1000:.1f}')") s of CPU" \
  "meanwhile ($(python3 -c "print(f'{$daemon_cpu_write * 1e3 / $total_lines:.2f}')") us a line)"
echo "  stdout.log $log_bytes bytes ($((log_disk_kb / 1024)) MiB on disk); lines.idx $idx_bytes bytes" \
  "($((idx_disk_kb / 1024)) MiB on disk, $((idx_bytes / total_lines)) bytes a line," \
  "$(python3 -c "print(f'{100 * $idx_bytes / $log_bytes:.0f}')")% of the log)"
echo
echo "tail --lines 100 on the ${log_mb} MiB log ($runs rounds after $warmups warm-ups, interleaved; page cache warm):"
python3 "$report" table "$bench_tmp/tail.tsv" ms "GNU tail -n 100"
echo "  answers: socket $tail_answer_bytes bytes of JSON data, CLI $cli_tail_bytes bytes;" \
  "the daemon read $tail_read_kb KiB per socket request (rchar), the log being $log_bytes bytes"
echo
echo "filtered: tail --level error, $errors_in_log error lines in the log (one every $error_every);" \
  "$filter_runs timed after 1 warm-up:"
python3 "$report" table "$bench_tmp/filter.tsv" ms
echo "  the daemon read ${filter_read_mb[10]} MiB per --lines 10 request, ${filter_read_mb[100]} MiB per --lines 100 request (rchar)"
echo
echo "diff after $diff_lines new lines ($diff_bytes bytes), lines=100000 ($diff_runs rounds after $diff_warmups warm-ups):"
python3 "$report" table "$bench_tmp/diff.tsv" ms
python3 "$report" table "$bench_tmp/diffrate.tsv" "MB/s of line content"
echo "  answers: socket $diff_answer_bytes bytes of JSON data, CLI $cli_diff_bytes bytes"
if [ -n "${gc0:-}" ] && [ -n "$gc1" ]; then
  read -r g0n g0ms <<<"$gc0"; read -r g1n g1ms <<<"$gc1"
  echo "  the daemon's young collections over the timed rounds ($((2 * diff_runs)) diff requests, socket and CLI):" \
    "$((g1n - g0n)), $((g1ms - g0ms)) ms in all ($(python3 -c "print(f'{($g1ms - $g0ms) / (2 * $diff_runs):.1f}')") ms a request; jstat)"
fi
echo "  setting up: a new cursor starts at line 0; moving it to the end of the $log_mb MiB log took a diff" \
  "that scans every line (--stream stderr, matching none): ${skip_ms% } ms (cursors sock, cli)"
echo
for label in "bgrun tail (socket)" "bgrun tail (CLI)"; do
  m="$(python3 "$report" median "$bench_tmp/tail.tsv" "$label")"
  echo "  $label: median = $(python3 -c "print(f'{$m / $target_ms:.2f}')") x the target"
  python3 "$report" verdict "$label --lines 100 on a $log_mb MiB log, median <= $target_ms ms" "$m" "<=" "$target_ms"
done
if [ "${#errors[@]}" -gt 0 ]; then
  echo
  echo "problems:"
  printf '  %s\n' "${errors[@]}"
  bench_errors=$((bench_errors + ${#errors[@]}))
fi
