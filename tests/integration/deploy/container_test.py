# deploy.container: the image from deploy/docker/Dockerfile, built with podman from a debootstrapped
# base, run on the host network bound to 127.0.0.1 high ports with a test config and the test
# certificates. A message submitted by SMTP (STARTTLS + AUTH) is read back by POP3 (and IMAP when the
# image has roost-imapd), the HEALTHCHECK reports healthy, the message survives a restart (it is in
# the volume), and `podman stop -t 10` ends the container well within those 10 s.
import argparse
import contextlib
import imaplib
import os
import poplib
import smtplib
import socket
import ssl
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from podman_harness import ROOST_IMAGE, Podman, log, skip  # noqa: E402

CONTAINER = "roost-deploy-test"
VOLUME = "roost-deploy-test-data"
USER = "demo@example.test"
PASSWORD = "correct horse battery staple"
READY_TIMEOUT = 30
STOP_LIMIT = 10
# The capabilities compose.yaml grants: the supervisor prepares the volumes as root, the daemons keep
# only NET_BIND_SERVICE.
CAPS = ["NET_BIND_SERVICE", "CHOWN", "SETUID", "SETGID", "SETPCAP", "DAC_OVERRIDE", "KILL"]


def free_ports(count):
    sockets, ports = [], []
    for _ in range(count):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
        ports.append(s.getsockname()[1])
    for s in sockets:
        s.close()
    return ports


def test_config(ports):
    return f"""hostname = "mail.example.test"
data_dir = "/var/lib/roost"

[tls]
cert_file = "/etc/roost/tls/server.pem"
key_file = "/etc/roost/tls/server.key"

[smtpd]
mx = ["127.0.0.1:{ports['mx']}"]
submission = ["127.0.0.1:{ports['submission']}"]
submissions = ["127.0.0.1:{ports['submissions']}"]

[imapd]
imap = ["127.0.0.1:{ports['imap']}"]
imaps = ["127.0.0.1:{ports['imaps']}"]

[pop3d]
pop3 = ["127.0.0.1:{ports['pop3']}"]
pop3s = ["127.0.0.1:{ports['pop3s']}"]

[auth]
# Quick hashing for the test's one user.
argon2_time_cost = 1
argon2_memory_kib = 8192
"""


def wait_for_greeting(port, prefix, deadline):
    last = None
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                s.settimeout(3)
                line = s.recv(512)
                if line.startswith(prefix):
                    return line
                last = line
        except OSError as e:
            last = e
        time.sleep(0.3)
    raise AssertionError(f"port {port} did not greet with {prefix!r} in time (last: {last!r})")


def tls_context(tls_dir):
    context = ssl.create_default_context(cafile=os.path.join(tls_dir, "ca.pem"))
    context.check_hostname = True
    return context


def submit(port, context, token):
    message = (f"From: {USER}\r\nTo: {USER}\r\nSubject: deploy test {token}\r\n\r\n"
               f"Sent through the container, token {token}.\r\n")
    with smtplib.SMTP("localhost", port, timeout=20) as smtp:
        smtp.starttls(context=context)
        smtp.login(USER, PASSWORD)
        refused = smtp.sendmail(USER, [USER], message)
        assert not refused, refused


def pop3_bodies(port, context):
    pop = poplib.POP3("localhost", port, timeout=20)
    try:
        pop.stls(context=context)
        pop.user(USER)
        pop.pass_(PASSWORD)
        count, _ = pop.stat()
        return [b"\r\n".join(pop.retr(i + 1)[1]) for i in range(count)]
    finally:
        pop.quit()


def imap_bodies(port, context):
    imap = imaplib.IMAP4("localhost", port, timeout=20)
    try:
        imap.starttls(ssl_context=context)
        imap.login(USER, PASSWORD)
        imap.select("INBOX", readonly=True)
        _, found = imap.search(None, "ALL")
        bodies = []
        for number in found[0].split():
            _, data = imap.fetch(number, "(BODY.PEEK[])")
            bodies.append(data[0][1])
        return bodies
    finally:
        with contextlib.suppress(Exception):
            imap.logout()


def timed_stop(podman):
    start = time.monotonic()
    podman.run("stop", "-t", str(STOP_LIMIT), CONTAINER, timeout=STOP_LIMIT + 20)
    took = time.monotonic() - start
    state = podman.run("inspect", "--format", "{{.State.ExitCode}}", CONTAINER).stdout.strip()
    log(f"podman stop -t {STOP_LIMIT}: {took:.2f} s, exit code {state}")
    if took >= STOP_LIMIT:
        print(podman.run("logs", CONTAINER, check=False).stderr[-3000:])
    assert took < STOP_LIMIT, f"stopping took {took:.1f} s (SIGKILL after {STOP_LIMIT} s)"
    assert state == "0", f"the container exited with {state} on SIGTERM"
    return took


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", required=True)
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--build-type", default="RelWithDebInfo")
    parser.add_argument("--cmake-args", default="")
    parser.add_argument("--tls-dir", required=True)
    args = parser.parse_args()

    podman = Podman(os.path.abspath(args.repo), os.path.abspath(args.build_dir), "container")
    workdir = tempfile.mkdtemp(prefix="roost-container-test-")
    try:
        ok, why = podman.usable()
        if not ok:
            skip(f"podman cannot run here: {why.strip()[-400:]}")
        total = time.monotonic()
        podman.roost_image(args.build_type, args.cmake_args)

        names = ("mx", "submission", "submissions", "imap", "imaps", "pop3", "pop3s")
        ports = dict(zip(names, free_ports(len(names))))
        config_dir = os.path.join(workdir, "etc")
        os.makedirs(config_dir)
        with open(os.path.join(config_dir, "roost.toml"), "w") as f:
            f.write(test_config(ports))
        os.chmod(config_dir, 0o755)
        os.chmod(os.path.join(config_dir, "roost.toml"), 0o644)
        os.chmod(workdir, 0o755)
        podman.run("volume", "create", VOLUME)

        has_imapd = podman.run("run", "--rm", "--entrypoint", "test", ROOST_IMAGE, "-x", "/usr/sbin/roost-imapd",
                               check=False).returncode == 0
        log(f"image has roost-imapd: {has_imapd}")

        # --init: catatonit is PID 1 and hands SIGTERM to the supervisor, as compose.yaml's init: true.
        podman.run("run", "-d", "--init", "--name", CONTAINER, "--network", "host", "--cap-drop", "ALL",
                   *[a for cap in CAPS for a in ("--cap-add", cap)], "--security-opt", "no-new-privileges",
                   "-e", "ROOST_DOMAIN=example.test", "-e", f"ROOST_HEALTH_PORT={ports['mx']}",
                   "-v", f"{config_dir}:/etc/roost", "-v", f"{os.path.abspath(args.tls_dir)}:/etc/roost/tls:ro",
                   "-v", f"{VOLUME}:/var/lib/roost", ROOST_IMAGE)

        def wait_ready():
            deadline = time.monotonic() + READY_TIMEOUT
            try:
                wait_for_greeting(ports["mx"], b"220", deadline)
                wait_for_greeting(ports["pop3"], b"+OK", deadline)
                if has_imapd:
                    wait_for_greeting(ports["imap"], b"* OK", deadline)
            except AssertionError:
                print(podman.run("logs", CONTAINER, check=False).stderr[-4000:])
                raise

        start = time.monotonic()
        wait_ready()
        log(f"daemons up {time.monotonic() - start:.1f} s after podman run")

        # The daemons run as roost, not root (only the supervisor, PID 1, is root).
        users = podman.run("exec", CONTAINER, "bash", "-c",
                           'for p in /proc/[0-9]*; do c=$(cat $p/comm 2>/dev/null) && '
                           '[[ $c =~ ^roost-(smtpd|imapd|pop3d)$ ]] && echo "$c $(stat -c %U $p)"; done; true').stdout.split("\n")
        users = [u for u in users if u]
        log(f"daemon users: {users}")
        assert users and all(u.endswith(" roost") for u in users), users
        assert len(users) == (3 if has_imapd else 2), users

        podman.run("exec", "-i", "--user", "roost", CONTAINER, "roostctl", "user", "add", USER, "--password-stdin",
                   input=PASSWORD + "\n")
        context = tls_context(args.tls_dir)
        token = uuid.uuid4().hex
        submit(ports["submission"], context, token)
        log("submitted by SMTP (STARTTLS + AUTH)")
        bodies = pop3_bodies(ports["pop3"], context)
        assert any(token.encode() in b for b in bodies), f"POP3 does not show the message: {bodies!r}"
        log("read back by POP3 (STLS)")
        if has_imapd:
            bodies = imap_bodies(ports["imap"], context)
            assert any(token.encode() in b for b in bodies), f"IMAP does not show the message: {bodies!r}"
            log("read back by IMAP (STARTTLS)")

        health = podman.run("healthcheck", "run", CONTAINER, check=False)
        status = podman.run("inspect", "--format", "{{.State.Health.Status}}", CONTAINER).stdout.strip()
        log(f"healthcheck: rc {health.returncode}, status {status}")
        assert health.returncode == 0 and status == "healthy", (health.stdout, health.stderr, status)

        first_stop = timed_stop(podman)
        podman.run("start", CONTAINER)
        start = time.monotonic()
        wait_ready()
        log(f"restarted, daemons up in {time.monotonic() - start:.1f} s")
        bodies = pop3_bodies(ports["pop3"], context)
        assert any(token.encode() in b for b in bodies), "the message did not survive the restart"
        log("the message survived the restart (volume)")
        second_stop = timed_stop(podman)
        logs = podman.run("logs", CONTAINER, check=False)
        assert "event=container.stopped status=0" in logs.stderr + logs.stdout, logs.stderr[-2000:]
        log(f"figures: stops {first_stop:.2f} s and {second_stop:.2f} s; whole test {time.monotonic() - total:.0f} s")
        print("PASS")
        return 0
    finally:
        podman.close()
        import shutil
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
