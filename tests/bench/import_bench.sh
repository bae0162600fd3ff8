#!/bin/sh
# import_bench.sh: time and peak memory of `roostctl import maildir` on a generated maildir, of the
# re-run that finds everything already there, and of verify, export mbox and backup on the result.
# Usage: tests/bench/import_bench.sh [BUILD_DIR] [MESSAGES]   (defaults: build, 50000)
set -eu

build=${1:-build}
count=${2:-50000}
roostctl="$build/admin/roostctl"
[ -x "$roostctl" ] || { echo "no $roostctl: build the roostctl target first" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package: time)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/roost-import-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
export ROOST_CONFIG="$work/roost.toml"

"$roostctl" init --config "$ROOST_CONFIG" --data-dir "$work/data" --hostname bench.test >/dev/null
sed -i -e 's/^# argon2_time_cost = 2/argon2_time_cost = 1/' -e 's/^# argon2_memory_kib = 19456/argon2_memory_kib = 64/' \
  "$ROOST_CONFIG"
"$roostctl" domain add example.org >/dev/null
echo "benchmark password 1234" | "$roostctl" user add alice@example.org --password-stdin >/dev/null

/usr/bin/python3 - "$work/Maildir" "$count" <<'PY'
import os, sys
root, count = sys.argv[1], int(sys.argv[2])
for sub in ("cur", "new", "tmp"):
    os.makedirs(os.path.join(root, sub), exist_ok=True)
line = "The quick brown fox jumps over the lazy dog, message body line.\n"
for n in range(count):
    when = 1_600_000_000 + n * 60
    path = os.path.join(root, "cur", "%d.M%dP1.bench:2,S" % (when, n))
    with open(path, "w") as f:
        f.write("From: a@example.net\nSubject: message %d\nMessage-ID: <%d@bench>\n\n" % (n, n) + line * (10 + n % 40))
    os.utime(path, (when, when))
PY

measure() {
  label=$1
  shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$roostctl" "$@" >"$work/out"
  read -r seconds rss_kb <"$work/time"
  rate=$(awk -v n="$count" -v s="$seconds" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')
  printf '%-26s %8s s  %8s msg/s  peak RSS %6d KiB   %s\n' "$label" "$seconds" "$rate" "$rss_kb" "$(cat "$work/out")"
}

measure "import (new)" import maildir "$work/Maildir" alice@example.org
measure "import (all already there)" import maildir "$work/Maildir" alice@example.org
measure "verify" verify
measure "export mbox" export mbox alice@example.org "$work/out.mbox"
measure "backup" backup "$work/backup.db"
