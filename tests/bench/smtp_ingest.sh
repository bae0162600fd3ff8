#!/usr/bin/env bash
# smtp_ingest: how fast roost-smtpd takes mail from the world. Postfix's smtp-source sends N messages
# of SIZE bytes over S parallel sessions to the MX listener on loopback; prints messages/s until all
# are in the mailboxes, smtpd CPU ms per message (/proc/PID/stat), fsyncs per message (strace, in a
# second smaller run, when strace is installed) and peak RSS. Not a ctest test.
#
# Usage: tests/bench/smtp_ingest.sh [BUILD_DIR]   (default: build/)
#   BENCH_MESSAGES (10000), BENCH_SESSIONS (16), BENCH_SIZE (4096), BENCH_PORT (free port)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$repo/build}
messages=${BENCH_MESSAGES:-10000}
sessions=${BENCH_SESSIONS:-16}
size=${BENCH_SIZE:-4096}
smtpd="$build/smtpd/roost-smtpd"
roostctl="$build/admin/roostctl"

for bin in "$smtpd" "$roostctl"; do
  [[ -x "$bin" ]] || { echo "smtp_ingest: $bin is missing (build first)" >&2; exit 1; }
done
source_bin=$(command -v smtp-source || true)
[[ -n "$source_bin" ]] || source_bin=$(ls /usr/sbin/smtp-source 2>/dev/null || true)
if [[ -z "$source_bin" ]]; then
  cat >&2 <<'EOF'
smtp_ingest: smtp-source (from Postfix) is not installed. On Debian:
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y postfix
  sudo systemctl disable --now postfix   # the benchmark needs only the smtp-source tool
EOF
  exit 1
fi

tmp=$(mktemp -d /tmp/roost-bench-XXXXXX)
pid=
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

port=${BENCH_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
config="$tmp/roost.toml"
"$roostctl" init --config "$config" --data-dir "$tmp/data" --hostname bench.example.test >/dev/null
cat >"$config" <<EOF
hostname = "bench.example.test"
data_dir = "$tmp/data"
log_level = "warn"
[smtpd]
mx = ["127.0.0.1:$port"]
submission = []
submissions = []
[limits]
max_connections_per_ip = 1000
[auth]
argon2_time_cost = 1
argon2_memory_kib = 64
EOF
"$roostctl" --config "$config" domain add example.test >/dev/null
printf 'bench-password\n' | "$roostctl" --config "$config" user add bench@example.test --password-stdin >/dev/null

count_messages() {
  python3 -c 'import sqlite3,sys; print(sqlite3.connect("file:"+sys.argv[1]+"?mode=ro", uri=True).execute("SELECT count(*) FROM messages").fetchone()[0])' "$tmp/data/roost.db"
}

wait_listening() {
  for _ in $(seq 200); do
    python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),1).close()' "$port" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "smtp_ingest: roost-smtpd did not start" >&2
  exit 1
}

# One run: N messages; prints the figures. With a trace file, smtpd runs under strace.
run() {
  local n=$1 trace=${2:-}
  local before after start end ticks
  before=$(count_messages)
  if [[ -n "$trace" ]]; then
    strace -f -c -e trace=fsync,fdatasync -o "$trace" "$smtpd" --config "$config" 2>"$tmp/smtpd.log" &
  else
    "$smtpd" --config "$config" 2>"$tmp/smtpd.log" &
  fi
  pid=$!
  wait_listening
  local smtpd_pid=$pid
  if [[ -n "$trace" ]]; then smtpd_pid=$(pgrep -P "$pid" -x roost-smtpd || echo "$pid"); fi
  read -r -a stat_before < <(sed 's/.*) //' "/proc/$smtpd_pid/stat")
  start=$(date +%s.%N)
  "$source_bin" -s "$sessions" -m "$n" -l "$size" -d -f sender@remote.example -t bench@example.test \
    "127.0.0.1:$port" >/dev/null
  while (($(count_messages) - before < n)); do sleep 0.01; done
  end=$(date +%s.%N)
  read -r -a stat_after < <(sed 's/.*) //' "/proc/$smtpd_pid/stat")
  local rss
  rss=$(awk '/VmHWM/ {print $2 " " $3}' "/proc/$smtpd_pid/status")
  # Fields 14 and 15 of /proc/PID/stat (utime, stime) are 12 and 13 after the command name.
  ticks=$(((stat_after[11] + stat_after[12]) - (stat_before[11] + stat_before[12])))
  kill -TERM "$smtpd_pid"  # under strace: smtpd itself, so strace writes its summary when it exits
  wait "$pid" || true
  pid=
  python3 - "$n" "$start" "$end" "$ticks" "$(getconf CLK_TCK)" "$rss" <<'EOF'
import sys
n, start, end, ticks, hz, rss = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
secs = end - start
print(f"  messages          {n} in {secs:.2f} s")
print(f"  throughput        {n / secs:.0f} messages/s (until all are in the mailbox)")
print(f"  smtpd CPU         {ticks * 1000 / hz / n:.3f} ms per message")
print(f"  smtpd peak RSS    {rss}")
EOF
}

echo "smtp_ingest: $messages messages of $size bytes over $sessions sessions to 127.0.0.1:$port"
run "$messages"
if command -v strace >/dev/null; then
  n=$((messages / 5))
  echo "fsyncs (second run under strace, $n messages):"
  run "$n" "$tmp/strace.txt" >/dev/null
  python3 - "$n" "$tmp/strace.txt" <<'EOF'
import sys
n = int(sys.argv[1])
calls = 0
for line in open(sys.argv[2]):
    parts = line.split()
    if parts and parts[-1] in ("fsync", "fdatasync"):
        calls += int(parts[3])  # % time, seconds, usecs/call, calls, [errors], syscall
print(f"  fsync+fdatasync   {calls} calls, {calls / n:.3f} per message")
EOF
else
  echo "fsyncs: strace is not installed (apt-get install strace); skipped"
fi
