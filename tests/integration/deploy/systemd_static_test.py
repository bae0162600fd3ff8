# deploy.systemd_static: the units in deploy/systemd pass `systemd-analyze verify` without a word of
# output and score an exposure of 2.0 or lower in `systemd-analyze security --offline`; they carry the
# hardening the deploy issue asks for. Run on copies whose ExecStart names the built binaries (verify
# fails on a missing binary; roost-imapd's unit runs roost-smtpd's binary until roost-imapd is built).
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
THRESHOLD = 20  # systemd-analyze's 0-100 scale: exposure 2.0
DAEMONS = ("smtpd", "imapd", "pop3d")
# What every service must set, as the issue lists it (directive -> value, None: any value).
REQUIRED = {
    "Type": "notify", "User": "roost", "AmbientCapabilities": "CAP_NET_BIND_SERVICE",
    "CapabilityBoundingSet": "CAP_NET_BIND_SERVICE", "StateDirectory": "roost", "ConfigurationDirectory": "roost",
    "ProtectSystem": "strict", "ReadWritePaths": "/var/lib/roost", "PrivateTmp": "yes", "NoNewPrivileges": "yes",
    "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX", "ProtectKernelTunables": "yes",
    "ProtectKernelModules": "yes", "ProtectKernelLogs": "yes", "ProtectControlGroups": "yes", "ProtectHome": "yes",
    "ProtectClock": "yes", "ProtectHostname": "yes", "LockPersonality": "yes", "MemoryDenyWriteExecute": "yes",
    "RestrictNamespaces": "yes", "RestrictRealtime": "yes", "RestrictSUIDSGID": "yes", "PrivateDevices": "yes",
    "UMask": "0077", "ExecReload": "/bin/kill -HUP $MAINPID", "Restart": "on-failure", "PartOf": "roost.target",
}


def directives(path):
    found = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if "=" in line and not line.startswith(("#", "[")):
                key, value = line.split("=", 1)
                found.setdefault(key, []).append(value)
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", required=True)
    parser.add_argument("--build-dir", required=True)
    args = parser.parse_args()
    if shutil.which("systemd-analyze") is None:
        print("SKIP: systemd-analyze is not installed")
        return SKIP

    failures = []
    work = tempfile.mkdtemp(prefix="roost-units-")
    try:
        build_dir = os.path.abspath(args.build_dir)
        built = {d: os.path.join(build_dir, d, f"roost-{d}") for d in DAEMONS}
        stand_in = built["smtpd"]
        units = []
        for daemon in DAEMONS:
            name = f"roost-{daemon}.service"
            source = os.path.join(args.units, name)
            found = directives(source)
            for key, want in REQUIRED.items():
                if want not in found.get(key, []):
                    failures.append(f"{name}: {key}={want} missing (has {found.get(key)})")
            filters = found.get("SystemCallFilter", [])
            if "@system-service" not in filters or not any(f.startswith("~") and "@privileged" in f for f in filters):
                failures.append(f"{name}: SystemCallFilter must allow @system-service and deny @privileged")
            binary = built[daemon] if os.access(built[daemon], os.X_OK) else stand_in
            if binary != built[daemon]:
                print(f"note: {built[daemon]} not built; verifying {name} with {stand_in} as its binary")
            text = open(source).read().replace(f"/usr/sbin/roost-{daemon}", binary)
            with open(os.path.join(work, name), "w") as f:
                f.write(text)
            units.append(os.path.join(work, name))
        shutil.copy(os.path.join(args.units, "roost.target"), work)
        units.append(os.path.join(work, "roost.target"))
        target = directives(os.path.join(args.units, "roost.target"))
        for daemon in DAEMONS:
            if f"roost-{daemon}.service" not in " ".join(target.get("Wants", [])):
                failures.append(f"roost.target does not want roost-{daemon}.service")

        verify = subprocess.run(["systemd-analyze", "verify", "--man=no", *units], capture_output=True, text=True,
                                timeout=60, cwd=work)
        output = (verify.stdout + verify.stderr).strip()
        print(f"systemd-analyze verify: rc {verify.returncode}, {len(output)} bytes of output")
        if verify.returncode != 0 or output:
            failures.append(f"systemd-analyze verify is not clean:\n{output}")

        for unit in units[:-1]:
            name = os.path.basename(unit)
            score = subprocess.run(["systemd-analyze", "security", "--offline=yes", f"--threshold={THRESHOLD}",
                                    "--no-pager", unit], capture_output=True, text=True, timeout=60, cwd=work)
            overall = [l for l in score.stdout.splitlines() if "Overall exposure level" in l]
            print(f"{name}: {overall[0].strip() if overall else score.stdout[-300:]} (rc {score.returncode})")
            if score.returncode != 0:
                failures.append(f"{name}: exposure above {THRESHOLD / 10:.1f}:\n{score.stdout}{score.stderr}")
            listed = subprocess.run(["systemd-analyze", "security", "--offline=yes", "--json=short", "--no-pager",
                                     unit], capture_output=True, text=True, timeout=60, cwd=work)
            try:
                checks = json.loads(listed.stdout)
                weak = [c["name"] for c in checks if c.get("exposure") and float(c["exposure"]) > 0]
                print(f"  checks not fully met: {', '.join(weak)}")
            except (ValueError, KeyError, TypeError):
                pass
    finally:
        shutil.rmtree(work, ignore_errors=True)

    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
