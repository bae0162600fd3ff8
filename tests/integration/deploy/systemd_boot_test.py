# deploy.systemd_boot: the units of deploy/systemd booted for real. The Roost image (the one the
# container test saved, or built here) gets systemd, the units, the sysusers.d and tmpfiles.d snippets
# and a config; the user roost is removed so that sysusers.d must create it at boot. systemd runs as
# PID 1 in a container with SYS_ADMIN (without it systemd would skip the sandbox silently) and its own
# network namespace. Checked: every unit is `active`; port 25 is bound by the daemon, which is not
# root; inside a unit's namespace the data dir is writable for roost and /usr is read-only, /tmp is
# private; `systemctl reload roost-smtpd` serves a swapped certificate; the units stop cleanly.
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from podman_harness import ROOST_IMAGE, Podman, log, skip  # noqa: E402

IMAGE = "localhost/roost-systemd:test"
CONTAINER = "roost-systemd-test"
BOOT_TIMEOUT = 90
RELOAD_TIMEOUT = 10
DERIVED_BUILD_TIMEOUT = 240

CONTAINERFILE = """FROM {base}
RUN apt-get update -qq \\
 && apt-get install -y -qq --no-install-recommends systemd systemd-sysv procps \\
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*
COPY units/ /usr/lib/systemd/system/
COPY roost.sysusers /usr/lib/sysusers.d/roost.conf
COPY roost.tmpfiles /usr/lib/tmpfiles.d/roost.conf
COPY tls/ /etc/roost/tls/
COPY roost.toml /etc/roost/roost.toml
# The store made by root as an admin would, before any unit ran: the units must make it roost's
# (StateDirectory), and the config readable for roost (tmpfiles.d). The user itself comes from
# sysusers.d at boot.
RUN roostctl init --config /tmp/init/roost.toml --data-dir /var/lib/roost >/dev/null && rm -rf /tmp/init \\
 && roostctl domain add example.test \\
 && userdel roost && chmod 0640 /etc/roost/roost.toml && chown -R root:root /var/lib/roost /etc/roost \\
 && systemctl mask getty.target console-getty.service systemd-logind.service systemd-udevd.service \\
      systemd-udevd-control.socket systemd-udevd-kernel.socket systemd-networkd-wait-online.service \\
 && systemctl enable roost.target {services}
STOPSIGNAL SIGRTMIN+3
ENTRYPOINT []
CMD ["/sbin/init"]
"""

CONFIG = """hostname = "mail.example.test"
data_dir = "/var/lib/roost"

[tls]
cert_file = "/etc/roost/tls/cert.pem"
key_file = "/etc/roost/tls/key.pem"
"""

# Run on the host inside the container's network namespace (nsenter -n): the subject O= of the
# certificate roost-smtpd shows after STARTTLS on port 25.
PEER_ORG = r"""
import smtplib, ssl, sys
context = ssl.create_default_context(cafile=sys.argv[1])
with smtplib.SMTP("localhost", 25, timeout=10) as smtp:
    smtp.starttls(context=context)
    subject = dict(x[0] for x in smtp.sock.getpeercert()["subject"])
    print(subject["organizationName"])
"""

# Run in the container: who owns the socket listening on port 25 (hex 0019), and which uid it has.
PORT_OWNER = r"""
pid=$(systemctl show -p MainPID --value roost-smtpd)
inodes=$(awk '$2 ~ /:0019$/ && $4 == "0A" { print $10 }' /proc/net/tcp /proc/net/tcp6)
for inode in $inodes; do
  if ls -l /proc/$pid/fd 2>/dev/null | grep -q "socket:\[$inode\]"; then
    echo "pid=$pid uid=$(awk '/^Uid:/ { print $2 }' /proc/$pid/status) user=$(stat -c %U /proc/$pid)"
    exit 0
  fi
done
echo "pid=$pid owns no socket listening on port 25 (listening inodes: $inodes)"
exit 1
"""

# Run in the container, in a unit's mount namespace as its user: what the sandbox allows.
SANDBOX = r"""
pid=$(systemctl show -p MainPID --value "$1")
as_daemon() { nsenter -t "$pid" -m -- setpriv --reuid roost --regid roost --clear-groups -- "$@"; }
as_daemon true || { echo "cannot-enter-the-unit's-namespace"; exit 1; }
as_daemon touch /var/lib/roost/.sandbox-probe && echo "data-dir=writable" || echo "data-dir=refused"
as_daemon rm -f /var/lib/roost/.sandbox-probe
as_daemon touch /usr/.sandbox-probe 2>/dev/null && echo "usr=writable" || echo "usr=read-only"
as_daemon touch /etc/roost/.sandbox-probe 2>/dev/null && echo "etc-roost=writable" || echo "etc-roost=read-only"
touch /tmp/.outside-probe
as_daemon test -e /tmp/.outside-probe && echo "tmp=shared" || echo "tmp=private"
rm -f /tmp/.outside-probe
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", required=True)
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--build-type", default="RelWithDebInfo")
    parser.add_argument("--cmake-args", default="")
    parser.add_argument("--tls-dir", required=True)
    args = parser.parse_args()
    if shutil.which("nsenter") is None:
        skip("nsenter is not installed")

    repo = os.path.abspath(args.repo)
    podman = Podman(repo, os.path.abspath(args.build_dir), "systemd")
    context_dir = tempfile.mkdtemp(prefix="roost-systemd-ctx-")
    failures = []

    def check(condition, what):
        log(("ok: " if condition else "FAIL: ") + what)
        if not condition:
            failures.append(what)

    try:
        ok, why = podman.usable()
        if not ok:
            skip(f"podman cannot run here: {why.strip()[-400:]}")
        total = time.monotonic()
        podman.roost_image(args.build_type, args.cmake_args)
        services = ["roost-smtpd.service", "roost-imapd.service", "roost-pop3d.service"]
        log(f"units to boot: {services}")

        units = os.path.join(context_dir, "units")
        os.makedirs(units)
        for name in services + ["roost.target"]:
            shutil.copy(os.path.join(repo, "deploy", "systemd", name), units)
        for name in ("roost.sysusers", "roost.tmpfiles"):
            shutil.copy(os.path.join(repo, "deploy", "systemd", name), context_dir)
        tls = os.path.join(context_dir, "tls")
        os.makedirs(tls)
        shutil.copy(os.path.join(args.tls_dir, "server.pem"), os.path.join(tls, "cert.pem"))
        shutil.copy(os.path.join(args.tls_dir, "server.key"), os.path.join(tls, "key.pem"))
        shutil.copy(os.path.join(args.tls_dir, "server2.pem"), os.path.join(tls, "next-cert.pem"))
        shutil.copy(os.path.join(args.tls_dir, "server2.key"), os.path.join(tls, "next-key.pem"))
        with open(os.path.join(context_dir, "roost.toml"), "w") as f:
            f.write(CONFIG)
        with open(os.path.join(context_dir, "Containerfile"), "w") as f:
            f.write(CONTAINERFILE.format(base=ROOST_IMAGE, services=" ".join(services)))
        start = time.monotonic()
        podman.run("build", "--pull=never", "--format", "docker", "-t", IMAGE, context_dir,
                   timeout=DERIVED_BUILD_TIMEOUT)
        log(f"systemd image built in {time.monotonic() - start:.0f} s")

        start = time.monotonic()
        # SYS_PTRACE only lets the test look into the daemons (their fds, nsenter into a unit's mounts).
        podman.run("run", "-d", "--name", CONTAINER, "--systemd=always", "--cap-add", "SYS_ADMIN",
                   "--cap-add", "SYS_PTRACE",
                   "--network", "none", "--hostname", "mail.example.test", IMAGE)
        state = ""
        while time.monotonic() - start < BOOT_TIMEOUT:
            probe = podman.run("exec", CONTAINER, "systemctl", "is-system-running", "--wait", check=False,
                               timeout=BOOT_TIMEOUT)
            state = probe.stdout.strip()
            if state in ("running", "degraded"):
                break
            time.sleep(1)
        log(f"systemd is {state!r} after {time.monotonic() - start:.1f} s")
        if state != "running":
            print(podman.run("exec", CONTAINER, "systemctl", "--failed", "--no-pager", check=False).stdout)

        def exec_(*command, **kw):
            return podman.run("exec", CONTAINER, *command, check=False, **kw)

        for service in services:
            active = exec_("systemctl", "is-active", service).stdout.strip()
            check(active == "active", f"{service} is {active}")
            if active != "active":
                print(exec_("journalctl", "-u", service, "--no-pager", "-n", "30").stdout)
        check(exec_("systemctl", "is-active", "roost.target").stdout.strip() == "active", "roost.target is active")
        check(exec_("id", "-u", "roost").returncode == 0, "sysusers.d created the user roost")
        owner = exec_("stat", "-c", "%U %a", "/var/lib/roost", "/var/lib/roost/roost.db").stdout.split("\n")
        check(owner[:2] == ["roost 700", "roost 600"], f"the store is roost's and private: {owner[:2]}")

        port = exec_("bash", "-c", PORT_OWNER)
        log(port.stdout.strip())
        check(port.returncode == 0 and "user=roost" in port.stdout and "uid=0 " not in port.stdout,
              "port 25 is bound by roost-smtpd running as roost")

        for service in services:
            sandbox = exec_("bash", "-c", SANDBOX, "sandbox", service).stdout.split()
            check(sandbox == ["data-dir=writable", "usr=read-only", "etc-roost=read-only", "tmp=private"],
                  f"{service} sandbox: {sandbox}")

        init_pid = podman.run("inspect", "--format", "{{.State.Pid}}", CONTAINER).stdout.strip()
        ca = os.path.join(os.path.abspath(args.tls_dir), "ca.pem")

        def peer_org():
            probe = subprocess.run(["nsenter", "-t", init_pid, "-n", sys.executable, "-c", PEER_ORG, ca],
                                   capture_output=True, text=True, timeout=30)
            return probe.stdout.strip() or probe.stderr.strip()[-300:]

        before = peer_org()
        check(before == "Roost", f"before the reload port 25 shows O={before}")
        exec_("cp", "/etc/roost/tls/next-cert.pem", "/etc/roost/tls/cert.pem")
        exec_("cp", "/etc/roost/tls/next-key.pem", "/etc/roost/tls/key.pem")
        main_pid = exec_("systemctl", "show", "-p", "MainPID", "--value", "roost-smtpd").stdout.strip()
        reload = exec_("systemctl", "reload", "roost-smtpd", timeout=RELOAD_TIMEOUT + 20)
        check(reload.returncode == 0, f"systemctl reload roost-smtpd: {reload.stderr.strip()}")
        deadline = time.monotonic() + RELOAD_TIMEOUT
        after = peer_org()
        while after != "Roost Reloaded" and time.monotonic() < deadline:
            time.sleep(0.3)
            after = peer_org()
        check(after == "Roost Reloaded", f"after the reload port 25 shows O={after}")
        check(exec_("systemctl", "show", "-p", "MainPID", "--value", "roost-smtpd").stdout.strip() == main_pid,
              "the reload kept the process")
        check(exec_("systemctl", "is-active", "roost-smtpd").stdout.strip() == "active", "active after the reload")

        start = time.monotonic()
        stop = exec_("systemctl", "stop", "roost.target", timeout=60)
        took = time.monotonic() - start
        states = [exec_("systemctl", "is-active", s).stdout.strip() for s in services]
        check(stop.returncode == 0 and all(s == "inactive" for s in states),
              f"systemctl stop roost.target stops every unit cleanly in {took:.1f} s: {states}")
        log(f"whole test {time.monotonic() - total:.0f} s")
    finally:
        podman.close()
        shutil.rmtree(context_dir, ignore_errors=True)

    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
