#!/usr/bin/env bash
# Roost quickstart: on a fresh Debian machine, installs the build dependencies, builds, creates a
# data dir with the domain example.test and the user demo@example.test, a self-signed certificate
# and a config, then runs the daemons on loopback high ports in the foreground until Ctrl-C.
#
# Usage: deploy/quickstart.sh [--no-build]
#   ROOST_DATA_DIR       where the data, the certificate and roost.toml go (default: .quickstart/ in
#                        the checkout, ignored by git). An existing one is reused.
#   ROOST_DEMO_PASSWORD  the password of demo@example.test (default: a random one, printed)
#   ROOST_BUILD_DIR      the build directory (default: build/ in the checkout)
#   --no-build           use the existing build
#
# Ports (loopback only): SMTP 2525, submission 2587, submissions 2465; IMAP 2143, IMAPS 2993,
# POP3 2110, POP3S 2995.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${ROOST_BUILD_DIR:-$repo/build}
data_root=${ROOST_DATA_DIR:-$repo/.quickstart}
hostname=mail.example.test
domain=example.test
demo=demo@$domain

build=1
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    -h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "quickstart: unknown argument $arg (try --help)" >&2; exit 2 ;;
  esac
done

step() { printf '\n==> %s\n' "$*"; }

# ---- Build ----
if ((build)); then
  step "Installing build dependencies (deploy/install-deps.sh)"
  "$repo/deploy/install-deps.sh"
  step "Building into $build_dir"
  cmake -S "$repo" -B "$build_dir" -G Ninja
  cmake --build "$build_dir"
fi
roostctl="$build_dir/admin/roostctl"
for bin in "$roostctl" "$build_dir/smtpd/roost-smtpd"; do
  [[ -x "$bin" ]] || { echo "quickstart: $bin is missing; run without --no-build" >&2; exit 1; }
done

# ---- Data dir, config, certificate ----
mkdir -p "$data_root"
data_root=$(cd "$data_root" && pwd)
config="$data_root/roost.toml"
cert="$data_root/cert.pem"
key="$data_root/key.pem"
export ROOST_CONFIG="$config"

# Sets `key = value` in [section] of the config roostctl init wrote (a commented default line is
# replaced, so each key appears once).
set_key() {
  local section=$1 key=$2 value=$3 tmp
  tmp=$(mktemp "$config.XXXXXX")
  awk -v section="[$section]" -v key="$key" -v value="$value" '
    /^\[/ { if (in_section && !done) { print key " = " value; done = 1 } in_section = ($0 == section) }
    in_section && !done && ($0 ~ "^(# )?" key " = ") { print key " = " value; done = 1; next }
    { print }
    END { if (!done) { if (!in_section) print "\n" section; print key " = " value } }
  ' "$config" >"$tmp"
  mv "$tmp" "$config"
}

if [[ -f "$config" ]]; then
  step "Reusing $data_root"
else
  step "Creating $data_root (roostctl init)"
  "$roostctl" init --config "$config" --data-dir "$data_root/data" --hostname "$hostname" >/dev/null
  set_key tls cert_file "\"$cert\""
  set_key tls key_file "\"$key\""
  set_key smtpd mx '["127.0.0.1:2525"]'
  set_key smtpd submission '["127.0.0.1:2587"]'
  set_key smtpd submissions '["127.0.0.1:2465"]'
  set_key imapd imap '["127.0.0.1:2143"]'
  set_key imapd imaps '["127.0.0.1:2993"]'
  set_key pop3d pop3 '["127.0.0.1:2110"]'
  set_key pop3d pop3s '["127.0.0.1:2995"]'
  # TLS before passwords, on loopback too: the swaks line below uses -tls.
  set_key auth allow_plaintext_on_loopback false
fi

if [[ ! -f "$cert" || ! -f "$key" ]]; then
  step "Making a self-signed certificate for $hostname"
  openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=$hostname" \
    -addext "subjectAltName=DNS:$hostname,DNS:localhost,IP:127.0.0.1" \
    -keyout "$key" -out "$cert" 2>/dev/null
  chmod 600 "$key"
fi

if ! "$roostctl" domain list 2>/dev/null | grep -qw "$domain"; then
  "$roostctl" domain add "$domain" >/dev/null
fi
password=${ROOST_DEMO_PASSWORD:-}
if "$roostctl" user list "$domain" 2>/dev/null | grep -qw "$demo"; then
  if [[ -n "$password" ]]; then
    printf '%s\n' "$password" | "$roostctl" user passwd "$demo" --password-stdin >/dev/null
    password_note="$password (from ROOST_DEMO_PASSWORD)"
  else
    password_note="unchanged (printed when it was created; set ROOST_DEMO_PASSWORD to reset it)"
  fi
else
  if [[ -z "$password" ]]; then
    password=$(openssl rand -base64 18 | tr -d '/+=' | cut -c1-20)
  fi
  printf '%s\n' "$password" | "$roostctl" user add "$demo" --password-stdin >/dev/null
  password_note=$password
fi

# ---- Daemons ----
# Each entry: a name and its binary. The ones not built yet are skipped, so imapd and pop3d join in
# when they exist.
daemons=(
  "smtpd:$build_dir/smtpd/roost-smtpd"
  "imapd:$build_dir/imapd/roost-imapd"
  "pop3d:$build_dir/pop3d/roost-pop3d"
)
pids=()
names=()

stop_all() {
  trap - INT TERM
  if ((${#pids[@]})); then
    printf '\n==> Stopping %s\n' "${names[*]}"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
}
# Ctrl-C reaches the daemons too (same process group); TERM may reach the script alone. Either way
# the loop below stops them all.
stopping=0
trap 'stopping=1' INT TERM

step "Starting the daemons on loopback (Ctrl-C stops them)"
for entry in "${daemons[@]}"; do
  name=${entry%%:*}
  bin=${entry#*:}
  [[ -x "$bin" ]] || continue
  "$bin" --config "$config" &
  pids+=($!)
  names+=("$name")
done

cat <<EOF

Roost is running ($data_root):
  SMTP (MX)         127.0.0.1:2525   STARTTLS offered
  Submission        127.0.0.1:2587   STARTTLS, then AUTH
  Submissions       127.0.0.1:2465   implicit TLS
  IMAP              127.0.0.1:2143   STARTTLS, then LOGIN or AUTHENTICATE
  IMAPS             127.0.0.1:2993   implicit TLS
  POP3              127.0.0.1:2110   STLS, then USER/PASS or AUTH
  POP3S             127.0.0.1:2995   implicit TLS
  User              $demo
  Password          $password_note

Send a test mail (from another terminal):
  swaks --server 127.0.0.1 --port 2587 -tls --auth PLAIN --auth-user $demo \\
        --auth-password '${password:-PASSWORD}' --from $demo --to $demo

Or as the world would, without a password:
  swaks --server 127.0.0.1 --port 2525 --from someone@remote.example --to $demo

IMAP settings for a mail client (Thunderbird, Apple Mail, K-9, mutt):
  Server 127.0.0.1, port 2993, SSL/TLS (or port 2143 with STARTTLS), normal password,
  user name $demo. The certificate is self-signed: accept it once in the client.

Read it by IMAP over TLS:
  python3 -c "import imaplib,ssl; m=imaplib.IMAP4_SSL('127.0.0.1',2993,ssl_context=ssl._create_unverified_context()); m.login('$demo','${password:-PASSWORD}'); print(m.select('INBOX'))"

Read it by POP3 over TLS:
  python3 -c "import poplib,ssl; p=poplib.POP3_SSL('127.0.0.1',2995,context=ssl._create_unverified_context()); p.user('$demo'); p.pass_('${password:-PASSWORD}'); print(p.stat())"

Look at what was stored:
  sqlite3 $data_root/data/roost.db 'SELECT id, size FROM blobs'
EOF

# Waits for every daemon; if one exits on its own, the others are stopped too.
while ((${#pids[@]})); do
  if wait -n "${pids[@]}"; then status=0; else status=$?; fi
  if ((stopping)); then
    stop_all
    exit 0
  fi
  alive=()
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
  if ((${#alive[@]} == 0 && status == 0)); then
    printf '\n==> Stopped\n'
    exit 0
  fi
  if ((${#alive[@]} < ${#pids[@]})); then
    echo "quickstart: a daemon exited (status $status); stopping the others" >&2
    pids=("${alive[@]}")
    stop_all
    exit "$status"
  fi
done
