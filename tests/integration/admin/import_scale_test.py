#!/usr/bin/python3
"""roostctl operations at scale. A generated 50,000-message Maildir++ tree (INBOX and two folders,
one 8 MB message among them) is imported with peak RSS under 100 MB (measured with wait4's rusage
of the roostctl process), a second run adds nothing, and `roostctl verify` passes. A backup taken
while another roostctl process imports restores (as the README says) to a store verify passes,
holding everything committed before the backup. The figures are printed for the record."""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

ROOSTCTL = None
MESSAGES = 50_000
RSS_LIMIT_KB = 100 * 1024
RUN_TIMEOUT_S = 150


def run(args, stdin_text="", config=None, timeout=RUN_TIMEOUT_S):
    """Runs roostctl; returns (exit code, stdout, stderr)."""
    env = dict(os.environ)
    if config:
        env["ROOST_CONFIG"] = config
    proc = subprocess.run([ROOSTCTL] + args, input=stdin_text.encode(), capture_output=True, env=env,
                          timeout=timeout)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def run_measured(args, config, timeout=RUN_TIMEOUT_S):
    """Runs roostctl with stdout/stderr to files and reaps it with wait4 for its own peak RSS."""
    env = dict(os.environ, ROOST_CONFIG=config)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen([ROOSTCTL] + args, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid == proc.pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                raise TimeoutError("roostctl %s ran over %d s" % (" ".join(args), timeout))
            time.sleep(0.02)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        return proc.returncode, out.read().decode(), err.read().decode(), usage.ru_maxrss, seconds


def make_maildir(root):
    """Writes MESSAGES files: 80% INBOX (cur/ and new/), the rest in .Sent and .Archive.2023."""
    folders = {"": 0.8, ".Sent": 0.1, ".Archive.2023": 0.1}
    for folder in folders:
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(root, folder, sub), exist_ok=True)
    body_line = "The quick brown fox jumps over the lazy dog, message body line.\n"
    n = 0
    for folder, share in folders.items():
        count = int(MESSAGES * share)
        for i in range(count):
            n += 1
            when = 1_600_000_000 + n * 60
            flags = ":2," + ("S" if n % 2 else "") + ("F" if n % 7 == 0 else "")
            sub = "new" if (folder == "" and n % 10 == 0) else "cur"
            name = "%d.M%dP1.gen%s" % (when, n, "" if sub == "new" else flags)
            lines = 10 + n % 40
            text = ("From: sender%d@example.net\nTo: alice@example.org\nSubject: message %d\n"
                    "Message-ID: <%d@gen.example>\n\n" % (n % 97, n, n)) + body_line * lines
            path = os.path.join(root, folder, sub, name)
            with open(path, "w") as f:
                f.write(text)
            os.utime(path, (when, when))
    # One large message: memory must not grow with it beyond its own size.
    big = os.path.join(root, "cur", "1599999999.Mbig.gen:2,S")
    with open(big, "w") as f:
        f.write("Subject: big\n\n")
        for _ in range(8 * 1024 * 1024 // 64):
            f.write("x" * 63 + "\n")
    return n + 1


class Installation(unittest.TestCase):
    """A Roost set up by `roostctl init` in a temporary directory, with example.org and alice."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="roost-import-scale-")
        self.config = os.path.join(self.dir, "roost.toml")
        code, _, err = run(["init", "--config", self.config, "--data-dir", os.path.join(self.dir, "data"),
                                  "--hostname", "mail.test"])
        self.assertEqual(code, 0, err)
        with open(self.config) as f:
            text = f.read()
        text = text.replace("# argon2_time_cost = 2", "argon2_time_cost = 1")
        text = text.replace("# argon2_memory_kib = 19456", "argon2_memory_kib = 64")
        with open(self.config, "w") as f:
            f.write(text)
        self.assertEqual(run(["domain", "add", "example.org"], config=self.config)[0], 0)
        code, _, err = run(["user", "add", "alice@example.org", "--password-stdin"],
                           stdin_text="correct horse battery staple 7\n", config=self.config)
        self.assertEqual(code, 0, err)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class ImportScale(Installation):
    def check_rss(self, rss_kb):
        if os.environ.get("ROOST_SANITIZED") == "1":
            # AddressSanitizer keeps freed memory in quarantine: the size says nothing there.
            print("sanitizer build: peak RSS not checked", file=sys.stderr)
            return
        self.assertLess(rss_kb, RSS_LIMIT_KB)

    def test_import_50k_maildir_with_bounded_memory(self):
        maildir = os.path.join(self.dir, "Maildir")
        start = time.monotonic()
        total = make_maildir(maildir)
        print("generated %d messages in %.1f s" % (total, time.monotonic() - start), file=sys.stderr)

        code, out, err, rss_kb, seconds = run_measured(["import", "maildir", maildir, "alice@example.org"],
                                                       self.config)
        self.assertEqual(code, 0, err)
        self.assertIn("imported %d messages" % total, out)
        print("first import: %.1f s (%.0f messages/s), peak RSS %.1f MB" %
              (seconds, total / seconds, rss_kb / 1024), file=sys.stderr)
        self.check_rss(rss_kb)

        code, out, err, rss_kb, seconds = run_measured(["import", "maildir", maildir, "alice@example.org"],
                                                       self.config)
        self.assertEqual(code, 0, err)
        self.assertIn("imported 0 messages", out)
        self.assertIn("%d already there" % total, out)
        print("second import (nothing new): %.1f s, peak RSS %.1f MB" % (seconds, rss_kb / 1024), file=sys.stderr)
        self.check_rss(rss_kb)

        code, out, err, rss_kb, seconds = run_measured(["verify"], self.config)
        self.assertEqual(code, 0, out + err)
        self.assertIn("%d messages" % total, out)
        print("verify: %.1f s, peak RSS %.1f MB" % (seconds, rss_kb / 1024), file=sys.stderr)

        code, out, err = run(["mailbox", "list", "alice@example.org"], config=self.config)
        self.assertEqual(code, 0, err)
        self.assertRegex(out, r"Archive/2023\s+\S+\s+5000\b")
        self.assertRegex(out, r"Sent\s+\S+\s+5000\b")


def write_mbox(path, first, count):
    with open(path, "w") as f:
        for n in range(first, first + count):
            f.write("From alice@example.org Sat Jan  3 01:05:34 2004\nSubject: message %d\n"
                    "Message-ID: <%d@gen.example>\n\n%s\n" % (n, n, "body line of text\n" * 100))


class BackupWhileImporting(Installation):
    def test_backup_during_an_import_restores_to_a_sound_store(self):
        """A backup taken while another process writes holds everything committed before it began,
        and the documented restore gives a store that `roostctl verify` passes."""
        first = os.path.join(self.dir, "first.mbox")
        more = os.path.join(self.dir, "more.mbox")
        write_mbox(first, 0, 1000)
        write_mbox(more, 1000, 6000)
        code, out, err = run(["import", "mbox", first, "alice@example.org"], config=self.config)
        self.assertEqual(code, 0, err)
        self.assertIn("imported 1000 messages", out)

        env = dict(os.environ, ROOST_CONFIG=self.config)
        importer = subprocess.Popen([ROOSTCTL, "import", "mbox", more, "alice@example.org", "--mailbox", "More"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        try:
            time.sleep(0.5)  # the importer is writing by now
            backup = os.path.join(self.dir, "backup.db")
            code, out, err = run(["backup", backup], config=self.config)
            self.assertEqual(code, 0, err)
            self.assertIn("integrity check ok", out)
            self.assertEqual(os.stat(backup).st_mode & 0o777, 0o600)
            importer_running = importer.poll() is None
        finally:
            out, err = importer.communicate(timeout=RUN_TIMEOUT_S)
        self.assertEqual(importer.returncode, 0, err)
        print("importer still running when the backup ended: %s" % importer_running, file=sys.stderr)

        # The documented restore, into a second installation.
        restored_config = os.path.join(self.dir, "restored.toml")
        restored_data = os.path.join(self.dir, "restored-data")
        code, _, err = run(["init", "--config", restored_config, "--data-dir", restored_data,
                            "--hostname", "mail.test"])
        self.assertEqual(code, 0, err)
        for suffix in ("-wal", "-shm"):
            if os.path.exists(os.path.join(restored_data, "roost.db" + suffix)):
                os.remove(os.path.join(restored_data, "roost.db" + suffix))
        shutil.copyfile(backup, os.path.join(restored_data, "roost.db"))

        code, out, err = run(["verify"], config=restored_config)
        self.assertEqual(code, 0, out + err)
        code, out, err = run(["mailbox", "list", "alice@example.org"], config=restored_config)
        self.assertEqual(code, 0, err)
        self.assertRegex(out, r"INBOX\s+\S+\s+1000\b")
        more_count = re.search(r"More\s+\S+\s+(\d+)", out)
        print("messages of the running import in the backup: %s of 6000" %
              (more_count.group(1) if more_count else 0), file=sys.stderr)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--roostctl", required=True)
    args, rest = parser.parse_known_args()
    ROOSTCTL = args.roostctl
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
