#!/usr/bin/env bash
# Soak (issue 11): does the daemon stay within bounds over time with many jobs and misbehaving followers?
# Set-up, over one connection each (lib/BenchClient.java, workspace "bench"):
#   SOAK_ENDED jobs `true` (e0, e1, ...), run one after another and left `exited` (never cleaned: the daemon
#              keeps knowing them, with their records and logs);
#   SOAK_LIVE live jobs: SOAK_CHATTY of them (chatty0, ...) a python3 program writing SOAK_CHATTY_LPS lines a
#              second of about 100 bytes each, in batches every 100 ms, and a `BGRUN_NOTIFY: soak tick N` line
#              every second (an event); the others (l0, ...) `sleep`;
#   SOAK_FOLLOWERS followers (lib/FollowClient.java: one JVM, a socket per follower, each with one streaming
#              request as `tail --follow` / `events --follow` send it), alternately `tail --follow` of a chatty
#              job (lines 0) and `events --follow --since now` (every type); SOAK_STALLED of them read their
#              first answer line and then never read again, the others read everything.
# Then for SOAK_SECONDS the daemon is sampled every SOAK_SAMPLE_S seconds: VmRSS and Threads from
# /proc/PID/status, open files (entries of /proc/PID/fd), CPU time, and what the reading followers received.
# After that, the stalled followers are drained (whether the daemon kept them open; what it sends), every job is stopped
# and the daemon stopped; then pm2 (when there: pm2_setup) runs SOAK_LIVE apps (`sleep`, an ecosystem file)
# and its daemon ("God", that process only, not its apps) is sampled the same way for SOAK_PM2_SECONDS.
# Targets (issue 11), judged on the maximum and on the last sample: daemon RSS <= pm2's at the same live job
# count (pm2 with live apps only: no ended jobs, no followers), threads <= 64, open files <= live jobs x 2 + 64.
# Output in SOAK_OUT (default /tmp/bgrun-soak-DATE-TIME; bench results are not committed): report.md (also
# printed), soak.csv and pm2.csv (t_s,rss_kib,threads,fds,cpu_s,...), soak.png (lib/Plot.java: three panels
# with the targets), followers.json, and the daemon and pm2 logs (BENCH_LOG_DIR defaults to SOAK_OUT).
# Usage: scripts/bench/soak.sh   the issue's run takes about 10 min of soak plus a few minutes of set-up
#        (making 10,000 ended jobs) and pm2. A short check:
#          SOAK_LIVE=100 SOAK_ENDED=500 SOAK_SECONDS=60 SOAK_PM2_SECONDS=30 scripts/bench/soak.sh
#        Parameters (defaults): SOAK_LIVE (1000), SOAK_ENDED (10000), SOAK_FOLLOWERS (10), SOAK_STALLED (5),
#        SOAK_SECONDS (600), SOAK_SAMPLE_S (10), SOAK_CHATTY (5), SOAK_CHATTY_LPS (200), SOAK_PM2_SECONDS
#        (120), SOAK_OUT; and BGRUN_JAR, BENCH_NO_PM2=1, BENCH_KEEP=1, BENCH_LOG_DIR as in lib/common.sh.
# Exits 0 whether or not the targets are met; non-zero when something fails (the daemon died, jobs went
# missing, a follower was refused, a process was left behind). The daemon's open-file limit is in the report;
# a set-up that runs into it fails and says how many files were open.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

live="${SOAK_LIVE:-1000}"
ended="${SOAK_ENDED:-10000}"
followers="${SOAK_FOLLOWERS:-10}"
stalled="${SOAK_STALLED:-5}"
seconds="${SOAK_SECONDS:-600}"
sample_s="${SOAK_SAMPLE_S:-10}"
chatty="${SOAK_CHATTY:-5}"
chatty_lps="${SOAK_CHATTY_LPS:-200}"
pm2_seconds="${SOAK_PM2_SECONDS:-120}"
for v in live ended followers stalled seconds sample_s chatty chatty_lps pm2_seconds; do
  if ! [[ "${!v}" =~ ^[0-9]+$ ]]; then
    echo "soak.sh: SOAK_${v^^} must be a whole number (got '${!v}')" >&2
    exit 2
  fi
done
for v in live seconds sample_s chatty chatty_lps; do
  if [ "${!v}" -lt 1 ]; then
    echo "soak.sh: SOAK_${v^^} must be at least 1 (got '${!v}')" >&2
    exit 2
  fi
done
[ "$stalled" -le "$followers" ] || { echo "soak.sh: SOAK_STALLED ($stalled) is more than SOAK_FOLLOWERS ($followers)" >&2; exit 2; }
[ "$chatty" -le "$live" ] || { echo "soak.sh: SOAK_CHATTY ($chatty) is more than SOAK_LIVE ($live)" >&2; exit 2; }
out="${SOAK_OUT:-/tmp/bgrun-soak-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out" || { echo "soak.sh: cannot make SOAK_OUT $out" >&2; exit 2; }
out="$(cd "$out" && pwd)"
export BENCH_LOG_DIR="${BENCH_LOG_DIR:-$out}"
threads_max=64
fds_max=$((live * 2 + 64))
report="$bench_repo/scripts/bench/lib/report.py"
errors=()

bench_init soak
bench_client_build
java="$BGRUN_JAVA_HOME/bin/java"
follow_pid=""

soak_cleanup() {
  local status=$?
  set +e
  if [ -n "${follow_pid:-}" ]; then
    kill -TERM "$follow_pid" 2>/dev/null
    wait_gone "$follow_pid" 5
  fi
  (exit "$status")
  bench_cleanup
}
trap soak_cleanup EXIT

# One sample of process $1 at second $2 as a CSV row: t_s,rss_kib,threads,fds,cpu_s. Fails when it is gone.
clk_tck="$(getconf CLK_TCK)"
sample_of() {
  local pid="$1" t="$2" rss threads fds cpu
  read -r rss threads < <(awk '/^VmRSS:/ {r = $2} /^Threads:/ {t = $2} END {print r, t}' "/proc/$pid/status" 2>/dev/null) \
    || return 1
  [ -n "$rss" ] || return 1
  fds="$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)"
  cpu="$(awk -v tck="$clk_tck" '{sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / tck}' "/proc/$pid/stat" 2>/dev/null)" || return 1
  echo "$t,$rss,$threads,$fds,$cpu"
}
# "RSS MiB, threads, fds" of process $1, for the report's snapshots.
snapshot() {
  local row
  row="$(sample_of "$1" 0)" || { echo "(gone)"; return 0; }
  IFS=, read -r _ rss threads fds _ <<<"$row"
  echo "RSS $((rss / 1024)) MiB, $threads threads, $fds open files"
}
# "open files N of its limit M" for the daemon: an ended job's files count against that limit (a soft limit
# below what SOAK_ENDED needs makes the set-up fail; say so then).
fd_note() {
  local fds limit
  fds="$(find "/proc/$DAEMON_PID/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)"
  limit="$(awk '/^Max open files/ {print $4}' "/proc/$DAEMON_PID/limits" 2>/dev/null)"
  echo "the daemon has $fds open files of its limit ${limit:-?}"
}
# Waits up to $2 s for `bgrun daemon status` to show $1 live jobs; prints the last answer.
await_live() {
  local want="$1" limit="$2" ds="" t0
  t0=$(now_us)
  while (( $(now_us) - t0 < limit * 1000000 )); do
    ds="$(bg daemon status 2>/dev/null)" || true
    [ "$(json_field "$ds" live_jobs)" = "$want" ] && break
    sleep 0.5
  done
  echo "$ds"
}

bg list >/dev/null || bench_die "bgrun list failed"
bgrun_daemon_pid
[ -n "$DAEMON_PID" ] || bench_die "no daemon after bgrun list"
snap_fresh="$(snapshot "$DAEMON_PID")"
fd_limit="$(awk '/^Max open files/ {print $4 " (soft), " $5 " (hard)"}' "/proc/$DAEMON_PID/limits")"

# ---------------------------------------------------------------- ended jobs
ended_ms=0
if [ "$ended" -gt 0 ]; then
  echo "making $ended ended jobs (true), one connection..." >&2
  res="$(bench_client run e 0 "$ended" '{"cmd":["true"]}' 2>&1)" \
    || bench_die "client run of the ended jobs failed ($(fd_note)): $(tail -c 600 <<<"$res")"
  ended_ms="$(json_field "$res" ms)"
  [ "$(json_field "$res" count)" -eq "$ended" ] || errors+=("ended jobs: $res")
  ds="$(await_live 0 300)"
  [ "$(json_field "$ds" live_jobs)" = 0 ] || bench_die "the ended jobs did not all end within 300 s ($(fd_note)): $ds"
  exited="$(bg list --state exited | grep -c '"state":"exited"' || true)"
  [ "$exited" -eq "$ended" ] || errors+=("$exited of $ended ended jobs are exited per bgrun list --state exited")
fi
snap_ended="$(snapshot "$DAEMON_PID")"

# ---------------------------------------------------------------- live jobs
echo "starting $live live jobs ($chatty chatty at $chatty_lps lines/s each)..." >&2
py="$(command -v python3)" || bench_die "python3 is needed for the chatty jobs"
cat >"$bench_tmp/work/chatty.py" <<'EOF'
import sys, time
lps = int(sys.argv[1])
pad = "x" * 72
n = 0
tick = 0
next_at = time.monotonic()
while True:
    batch = []
    for _ in range(max(1, lps // 10)):
        n += 1
        batch.append(f"soak line {n:>10} {pad}\n")
    if n // lps > tick:
        tick = n // lps
        batch.append(f"BGRUN_NOTIFY: soak tick {tick}\n")
    sys.stdout.write("".join(batch))
    sys.stdout.flush()
    next_at += 0.1
    time.sleep(max(0.0, next_at - time.monotonic()))
EOF
sleep_s=$((seconds + 3600)) # outlives the soak and its set-up; stopped at the end anyway
chatty_spec="$(python3 -c 'import json, sys; print(json.dumps({"cmd": sys.argv[1:]}))' "$py" "$bench_tmp/work/chatty.py" "$chatty_lps")"
res="$(bench_client run chatty 0 "$chatty" "$chatty_spec" 2>&1)" \
  || bench_die "client run of the chatty jobs failed ($(fd_note)): $(tail -c 600 <<<"$res")"
[ "$(json_field "$res" not_live)" -eq 0 ] || errors+=("chatty jobs: $res")
live_ms="$(json_field "$res" ms)"
if [ "$live" -gt "$chatty" ]; then
  res="$(bench_client run l 0 $((live - chatty)) "{\"cmd\":[\"sleep\",\"$sleep_s\"]}" 2>&1)" \
    || bench_die "client run of the live jobs failed ($(fd_note)): $(tail -c 600 <<<"$res")"
  [ "$(json_field "$res" not_live)" -eq 0 ] || errors+=("live jobs: $res")
  live_ms="$(python3 -c "print($live_ms + $(json_field "$res" ms))")"
fi
ds="$(await_live "$live" 60)"
[ "$(json_field "$ds" live_jobs)" = "$live" ] || bench_die "expected $live live jobs, daemon status says: $ds"
snap_live="$(snapshot "$DAEMON_PID")"

# ---------------------------------------------------------------- followers
specs=()
for ((i = 0; i < followers; i++)); do
  if ((i < followers - stalled)); then mode=read j=$i; else mode=stall j=$((i - (followers - stalled))); fi
  if ((j % 2 == 0)); then
    specs+=("$mode:tail:bench/chatty$(((j / 2) % chatty))")
  else
    specs+=("$mode:events")
  fi
done
if [ "$followers" -gt 0 ]; then
  echo "connecting $followers followers (${specs[*]})..." >&2
  "$BGRUN_JAVA_HOME/bin/javac" -cp "$bench_jar" -d "$bench_tmp/client" "$bench_repo/scripts/bench/lib/FollowClient.java" \
    || bench_die "javac failed on scripts/bench/lib/FollowClient.java"
  coproc FOLLOW { exec "$java" -XX:+UseSerialGC -Xmx64m -cp "$bench_jar:$bench_tmp/client" FollowClient "$BGRUN_HOME" \
    "${specs[@]}" 2>"$bench_tmp/follow.err"; }
  follow_pid="$FOLLOW_PID"
  follow_in="${FOLLOW[1]}"
  follow_out="${FOLLOW[0]}"
  line=""
  IFS= read -r -t 120 line <&"$follow_out" || true
  [[ "$line" == following* ]] \
    || bench_die "the followers did not all get an answer: '$line' (stderr: $(head -c 500 "$bench_tmp/follow.err"))"
fi
# ask_followers: sets FOLLOWED to "LINES,BYTES,OPEN" of the reading followers (",," without followers). Not
# for $(...): bench_die must end the script.
ask_followers() {
  local reply="" l b o
  FOLLOWED=",,"
  [ -n "$follow_pid" ] || return 0
  printf 'report\n' >&"$follow_in"
  IFS= read -r -t 30 reply <&"$follow_out" || bench_die "no report from the followers within 30 s"
  [[ "$reply" == report* ]] || bench_die "followers: $reply"
  read -r _ l b o <<<"$reply"
  FOLLOWED="$l,$b,$o"
}
readers=$((followers - stalled))

# ---------------------------------------------------------------- the soak
echo "soak: $seconds s, a sample every $sample_s s (daemon pid $DAEMON_PID)..." >&2
csv="$out/soak.csv"
echo "t_s,rss_kib,threads,fds,cpu_s,reader_lines,reader_bytes,readers_open" >"$csv"
t0=$(now_us)
for ((k = 0; ; k++)); do
  due=$((t0 + k * sample_s * 1000000))
  now=$(now_us)
  if ((due > now)); then
    sleep "$(python3 -c "print(($due - $now) / 1e6)")" # the sampling period, not a wait for a condition
  fi
  t=$(( ($(now_us) - t0) / 1000000 ))
  row="$(sample_of "$DAEMON_PID" "$t")" || { errors+=("the daemon (pid $DAEMON_PID) was gone at ${t} s"); break; }
  ask_followers
  echo "$row,$FOLLOWED" >>"$csv"
  if ((k % 6 == 0)); then echo "  ${t}s: $row" >&2; fi
  if ((k * sample_s >= seconds)); then break; fi
done
soak_s=$(( ($(now_us) - t0) / 1000000 ))

# ---------------------------------------------------------------- after the soak
ds="$(bg daemon status 2>/dev/null)" || errors+=("bgrun daemon status failed after the soak")
[ "$(json_field "$ds" live_jobs)" = "$live" ] || errors+=("after the soak: live_jobs $(json_field "$ds" live_jobs), expected $live")
[ "$(json_field "$ds" jobs)" = "$((live + ended))" ] || errors+=("after the soak: jobs $(json_field "$ds" jobs), expected $((live + ended))")
if [ "$readers" -gt 0 ]; then
  IFS=, read -r _ _ _ _ _ lines_first _ _ < <(sed -n 2p "$csv")
  IFS=, read -r _ _ _ _ _ lines_last _ open_last < <(tail -n 1 "$csv")
  [ "${lines_last:-0}" -gt "${lines_first:-0}" ] || errors+=("the reading followers received nothing during the soak")
  [ "${open_last:-0}" -eq "$readers" ] || errors+=("only ${open_last:-0} of $readers reading followers still had their stream at the end")
fi
followers_json=""
if [ -n "$follow_pid" ]; then
  echo "draining the stalled followers..." >&2
  printf 'quit\n' >&"$follow_in"
  IFS= read -r -t 120 followers_json <&"$follow_out" || errors+=("no final answer from the followers")
  wait_gone "$follow_pid" 10 || errors+=("the follower client did not exit")
  follow_pid=""
  echo "$followers_json" >"$out/followers.json"
fi
echo "stopping every job and the daemon..." >&2
res="$(bench_client stop-all)" || bench_die "stop-all failed: $res"
stop_ms="$(json_field "$res" ms)"
[ "$(json_field "$res" count)" -eq "$live" ] || errors+=("stop-all stopped $(json_field "$res" count), expected $live")
bg daemon stop >/dev/null || errors+=("bgrun daemon stop failed")
wait_gone "$DAEMON_PID" 30 || errors+=("the daemon did not exit within 30 s of daemon stop")

# ---------------------------------------------------------------- pm2
pm2_csv=""
pm2_note=""
pm2_setup
if [ -n "$PM2" ]; then
  god="$(pm2_god_pid)"
  ecosystem "$bench_tmp/work/eco.config.js" p 0 "$live" "$((pm2_seconds + 3600))"
  echo "pm2: starting $live apps..." >&2
  p0=$(now_us)
  if timeout 900 "$PM2" start "$bench_tmp/work/eco.config.js" >"$bench_tmp/pm2.out" 2>&1; then
    pm2_start_ms="$(ms_between "$p0" "$(now_us)")"
    online="$(pm2_online)"
    [ "$online" -eq "$live" ] || pm2_note+="pm2 had $online of $live apps online; "
    echo "pm2: sampling its daemon (pid $god) for $pm2_seconds s..." >&2
    pm2_csv="$out/pm2.csv"
    echo "t_s,rss_kib,threads,fds,cpu_s" >"$pm2_csv"
    t0=$(now_us)
    for ((k = 0; ; k++)); do
      due=$((t0 + k * sample_s * 1000000))
      now=$(now_us)
      if ((due > now)); then sleep "$(python3 -c "print(($due - $now) / 1e6)")"; fi
      t=$(( ($(now_us) - t0) / 1000000 ))
      row="$(sample_of "$god" "$t")" || { pm2_note+="pm2's daemon was gone at ${t} s; "; break; }
      echo "$row" >>"$pm2_csv"
      if ((k * sample_s >= pm2_seconds)); then break; fi
    done
  else
    pm2_note+="pm2 start of $live apps failed or timed out: $(tail -n 3 "$bench_tmp/pm2.out" | tr '\n' ' '); "
  fi
  timeout 900 "$PM2" delete all >"$bench_tmp/pm2.out" 2>&1 || pm2_note+="pm2 delete all failed; "
fi

# ---------------------------------------------------------------- report
# col FILE COLUMN max|last: the maximum or last value of a CSV column.
col() {
  python3 - "$@" <<'EOF'
import csv, sys
path, name, what = sys.argv[1:]
values = [float(r[name]) for r in csv.DictReader(open(path)) if r[name] != ""]
print("" if not values else f"{(max(values) if what == 'max' else values[-1]):g}")
EOF
}
b_rss_max="$(col "$csv" rss_kib max)" b_rss_last="$(col "$csv" rss_kib last)"
b_thr_max="$(col "$csv" threads max)" b_thr_last="$(col "$csv" threads last)"
b_fds_max="$(col "$csv" fds max)" b_fds_last="$(col "$csv" fds last)"
p_rss_max="" p_rss_last="" p_thr_max="" p_fds_max=""
if [ -n "$pm2_csv" ] && [ "$(wc -l <"$pm2_csv")" -gt 1 ]; then
  p_rss_max="$(col "$pm2_csv" rss_kib max)" p_rss_last="$(col "$pm2_csv" rss_kib last)"
  p_thr_max="$(col "$pm2_csv" threads max)" p_fds_max="$(col "$pm2_csv" fds max)"
fi
plot_args=("$out/soak.png" "$csv")
if [ -n "$p_rss_max" ]; then
  plot_args+=("$pm2_csv" "--rss-target-mib=$(python3 -c "print($p_rss_max / 1024)")")
fi
plot_args+=("--threads-target=$threads_max" "--fds-target=$fds_max"
  "--title=bgrun soak: $live live jobs, $ended ended, $followers followers ($stalled stalled), $(date +%Y-%m-%d)")
plot_note="soak.png"
"$java" -Djava.awt.headless=true "$bench_repo/scripts/bench/lib/Plot.java" "${plot_args[@]}" 2>"$bench_tmp/plot.err" \
  || { plot_note="(no plot: $(head -c 300 "$bench_tmp/plot.err"))"; errors+=("Plot.java failed"); }
mib() { [ -n "$1" ] && python3 -c "print(f'{$1 / 1024:.1f}')" || echo "-"; }

{
  echo "# bgrun soak: daemon resource bounds (issue 11)"
  echo
  echo '```'
  bench_facts
  echo '```'
  echo
  echo "- live jobs: $live ($chatty chatty python3 jobs at $chatty_lps lines/s of ~100 B and a notify a second each;"
  echo "  the rest \`sleep $sleep_s\`); ended jobs: $ended (\`true\`, left \`exited\`, not cleaned); followers: $followers"
  echo "  (${specs[*]:-none}), $stalled of them stalled (their first answer line read, then never again)"
  echo "- soak: $soak_s s, a sample every $sample_s s of the daemon's VmRSS and Threads (/proc/PID/status), open files"
  echo "  (/proc/PID/fd entries) and CPU time"
  if [ -n "$PM2" ]; then
    echo "- pm2: $live \`sleep\` apps; its daemon (God) alone sampled the same way for $pm2_seconds s (its apps and the"
    echo "  pm2 CLI not counted; no ended jobs, no followers)"
  fi
  python3 -c "print(f'- set-up: $ended ended jobs run in {$ended_ms / 1000:.1f} s ({$ended_ms / max(1, $ended):.1f} ms per job), '
               f'$live live jobs in {$live_ms / 1000:.1f} s, over one connection; after the soak, stop of all $live: {$stop_ms / 1000:.1f} s')"
  if [ -n "${pm2_start_ms:-}" ]; then
    python3 -c "print(f'- pm2 start of $live apps: {$pm2_start_ms / 1000:.1f} s')"
  fi
  echo "- the daemon's open-file limit: $fd_limit"
  echo "- the daemon: fresh: $snap_fresh; with $ended ended jobs: $snap_ended; with $live live jobs too: $snap_live"
  echo
  echo "| measure | target | bgrun max | bgrun last | pm2 max | pm2 last |"
  echo "|---|---|---|---|---|---|"
  echo "| daemon RSS (MiB) | <= pm2's | $(mib "$b_rss_max") | $(mib "$b_rss_last") | $(mib "$p_rss_max") | $(mib "$p_rss_last") |"
  echo "| threads | <= $threads_max | $b_thr_max | $b_thr_last | ${p_thr_max:--} | |"
  echo "| open files | <= $live x 2 + 64 = $fds_max | $b_fds_max | $b_fds_last | ${p_fds_max:--} | |"
  echo
  echo '```'
  if [ -n "$p_rss_max" ]; then
    python3 "$report" verdict "daemon RSS, max over the soak <= pm2's max at $live live (KiB)" "$b_rss_max" "<=" "$p_rss_max"
    python3 "$report" verdict "daemon RSS, last sample <= pm2's last (KiB)" "$b_rss_last" "<=" "$p_rss_last"
  else
    echo "target: daemon RSS <= pm2's at $live live: CANNOT JUDGE (no pm2 samples${pm2_note:+: $pm2_note})"
  fi
  python3 "$report" verdict "threads, max over the soak <= $threads_max" "$b_thr_max" "<=" "$threads_max"
  python3 "$report" verdict "threads, last sample <= $threads_max" "$b_thr_last" "<=" "$threads_max"
  python3 "$report" verdict "open files, max over the soak <= $fds_max" "$b_fds_max" "<=" "$fds_max"
  python3 "$report" verdict "open files, last sample <= $fds_max" "$b_fds_last" "<=" "$fds_max"
  echo '```'
  if [ "$seconds" -lt 600 ] || [ "$live" -lt 1000 ] || [ "$ended" -lt 10000 ]; then
    echo
    echo "(a short or small run: the issue's soak is SOAK_LIVE=1000 SOAK_ENDED=10000 SOAK_SECONDS=600)"
  fi
  if [ -n "$followers_json" ]; then
    echo
    echo "Followers at the end (state: open = the daemon still had the stream open; stalled ones: what a drain"
    echo "read from them after the soak, while the jobs kept writing):"
    echo
    python3 - "$followers_json" <<'EOF'
import json, sys
for f in json.loads(sys.argv[1])["followers"]:
    what = f"{f['mode']:5} {f['kind']:6} {f['ref'] or '':14}"
    got = f"received {f['lines']} lines, {f['bytes'] / 1048576:.1f} MiB; state {f['state']}"
    if f["mode"] == "stall":
        got += f"; drained {f['drained_bytes'] / 1048576:.1f} MiB in {f['drain_ms'] / 1000:.1f} s ({f['drain']})"
    print(f"- {what} {got}")
EOF
  fi
  echo
  logs="the daemon log"
  [ -z "$PM2" ] || logs="the daemon's and pm2's logs"
  echo "Files: soak.csv${pm2_csv:+, pm2.csv}, $plot_note${followers_json:+, followers.json}; $logs"
  echo "(copied to $BENCH_LOG_DIR when the run ends)."
  if [ -n "$pm2_note" ]; then
    echo
    echo "pm2 problems: $pm2_note"
  fi
  if [ "${#errors[@]}" -gt 0 ]; then
    echo
    echo "Problems:"
    printf -- '- %s\n' "${errors[@]}"
  fi
} >"$out/report.md"
cat "$out/report.md"
echo
echo "report, CSV and plot in $out"
bench_errors=$((bench_errors + ${#errors[@]}))
