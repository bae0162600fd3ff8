# deploy.sd_notify: each built daemon speaks the Type=notify protocol to the socket $NOTIFY_SOCKET
# names (here an abstract one, as systemd may use): READY=1 once it listens, RELOADING=1 then READY=1
# around a SIGHUP certificate reload, STOPPING=1 when SIGTERM starts the stop; then it exits 0.
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

MESSAGE_TIMEOUT = 15
EXIT_TIMEOUT = 15

CONFIG = """hostname = "mail.example.test"
data_dir = "{data}"

[tls]
cert_file = "{tls}/server.pem"
key_file = "{tls}/server.key"

[smtpd]
mx = ["127.0.0.1:0"]
submission = ["127.0.0.1:0"]
submissions = ["127.0.0.1:0"]

[imapd]
imap = ["127.0.0.1:0"]
imaps = ["127.0.0.1:0"]

[pop3d]
pop3 = ["127.0.0.1:0"]
pop3s = ["127.0.0.1:0"]
"""


def receive(sock, process):
    sock.settimeout(MESSAGE_TIMEOUT)
    try:
        return sock.recv(4096).decode()
    except socket.timeout:
        process.kill()
        raise AssertionError(f"no notification within {MESSAGE_TIMEOUT} s; stderr:\n{process.communicate()[1]}")


def check_daemon(binary, config, failures):
    name = os.path.basename(binary)
    address = f"@roost-notify-{name}-{os.getpid()}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind("\0" + address[1:])
    env = dict(os.environ, NOTIFY_SOCKET=address)
    process = subprocess.Popen([binary, "--config", config], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    try:
        got = [receive(sock, process)]
        process.send_signal(signal.SIGHUP)
        got.append(receive(sock, process))
        got.append(receive(sock, process))
        process.send_signal(signal.SIGTERM)
        got.append(receive(sock, process))
        start = time.monotonic()
        code = process.wait(timeout=EXIT_TIMEOUT)
        took = time.monotonic() - start
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        sock.close()
    print(f"{name}: {got!r}, exit {code} {took:.2f} s after SIGTERM")
    reloading = got[1].split("\n")
    if not (got[0] == "READY=1" and reloading[0] == "RELOADING=1" and len(reloading) == 2
            and reloading[1].startswith("MONOTONIC_USEC=") and reloading[1][15:].isdigit()
            and got[2] == "READY=1" and got[3] == "STOPPING=1" and code == 0):
        failures.append(f"{name}: {got!r}, exit {code}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--tls-dir", required=True)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="roost-notify-")
    failures = []
    try:
        data = os.path.join(work, "data")
        os.makedirs(data, mode=0o700)
        config = os.path.join(work, "roost.toml")
        with open(config, "w") as f:
            f.write(CONFIG.format(data=data, tls=os.path.abspath(args.tls_dir)))
        checked = 0
        for daemon in ("smtpd", "imapd", "pop3d"):
            binary = os.path.join(os.path.abspath(args.build_dir), daemon, f"roost-{daemon}")
            if not os.access(binary, os.X_OK):
                print(f"roost-{daemon} is not built: not checked")
                continue
            check_daemon(binary, config, failures)
            checked += 1
        if checked < 3:
            failures.append("not every daemon is built")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
