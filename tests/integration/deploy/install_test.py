# deploy.install: `cmake --install` into a scratch DESTDIR puts the daemons in sbin/, roostctl in bin/,
# the units (naming the installed binaries and config), the sysusers.d and tmpfiles.d snippets, and an
# example config that the daemons accept; a second install keeps a config the admin edited.
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

INSTALL_TIMEOUT = 120


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--sysconfdir", required=True)
    args = parser.parse_args()
    destdir = tempfile.mkdtemp(prefix="roost-install-")
    failures = []

    def check(condition, what):
        print(("ok: " if condition else "FAIL: ") + what)
        if not condition:
            failures.append(what)

    def install():
        return subprocess.run(["cmake", "--install", args.build_dir], env=dict(os.environ, DESTDIR=destdir),
                              capture_output=True, text=True, timeout=INSTALL_TIMEOUT)

    try:
        first = install()
        check(first.returncode == 0, f"cmake --install succeeds {first.stderr[-2000:]}")
        root = destdir + args.prefix
        daemons = [d for d in ("smtpd", "imapd", "pop3d")
                   if os.path.exists(os.path.join(args.build_dir, d, f"roost-{d}"))]
        for daemon in daemons:
            check(os.access(f"{root}/sbin/roost-{daemon}", os.X_OK), f"sbin/roost-{daemon}")
        check(os.access(f"{root}/bin/roostctl", os.X_OK), "bin/roostctl")
        check(not os.path.exists(f"{root}/sbin/roostctl"), "roostctl is not in sbin/")
        units = f"{root}/lib/systemd/system"
        config = f"{destdir}{args.sysconfdir}/roost/roost.toml"
        for daemon in ("smtpd", "imapd", "pop3d"):
            text = open(f"{units}/roost-{daemon}.service").read()
            exec_start = re.search(r"^ExecStart=(\S+) --config (\S+)$", text, re.M)
            check(exec_start is not None and exec_start.group(1) == f"{args.prefix}/sbin/roost-{daemon}"
                  and exec_start.group(2) == f"{args.sysconfdir}/roost/roost.toml",
                  f"roost-{daemon}.service runs the installed binary with the installed config: "
                  f"{exec_start.group(0) if exec_start else None}")
        check(os.path.exists(f"{units}/roost.target"), "roost.target")
        check("u roost " in open(f"{root}/lib/sysusers.d/roost.conf").read(), "sysusers.d/roost.conf creates roost")
        check(os.path.exists(f"{root}/lib/tmpfiles.d/roost.conf"), "tmpfiles.d/roost.conf")

        text = open(config).read()
        check('data_dir = "/var/lib/roost"' in text, "the example config keeps its data in /var/lib/roost")
        check(oct(os.stat(config).st_mode & 0o777) == "0o640", "the example config is not world-readable")
        # It parses (roostctl reads the same config the daemons do): the complaint is the missing store.
        roostctl = os.path.join(args.build_dir, "admin", "roostctl")
        scratch = os.path.join(destdir, "scratch")
        os.makedirs(scratch)
        with open(os.path.join(scratch, "roost.toml"), "w") as f:
            f.write(text.replace('"/var/lib/roost"', f'"{scratch}/data"'))
        parsed = subprocess.run([roostctl, "domain", "list", "--config", os.path.join(scratch, "roost.toml")],
                                capture_output=True, text=True, timeout=60)
        check(parsed.returncode == 0 or "no database" in parsed.stderr,
              f"the example config loads: {parsed.stderr.strip()[-300:]}")

        with open(config, "a") as f:
            f.write("# edited by the admin\n")
        second = install()
        check(second.returncode == 0, "a second install succeeds")
        check(open(config).read().endswith("# edited by the admin\n"), "a second install keeps the edited config")
    finally:
        shutil.rmtree(destdir, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
