#!/usr/bin/env python3
"""deploy/quickstart.sh as a user runs it: it sets up a data dir, starts the daemons on the fixed
loopback ports, a mail submitted with STARTTLS + AUTH is read back by POP3 over TLS (and by IMAP over
STARTTLS and IMAPS when roost-imapd is built), Ctrl-C stops everything, and a second run reuses the data
dir with the mail still there."""
import argparse
import imaplib
import os
import poplib
import shutil
import signal
import smtplib
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest

ARGS = None
DEMO = "demo@example.test"
PASSWORD = "quickstart-test-password"
PORTS = {"smtp": 2525, "submission": 2587, "submissions": 2465, "pop3": 2110, "pop3s": 2995}
IMAP_PORTS = {"imap": 2143, "imaps": 2993}


def port_open(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


def tls():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # the quickstart's certificate is self-signed
    return ctx


class QuickstartTest(unittest.TestCase):
    def setUp(self):
        # quickstart.sh starts roost-imapd when this build has it.
        self.with_imap = os.access(os.path.join(ARGS.build_dir, "imapd", "roost-imapd"), os.X_OK)
        self.ports = dict(PORTS, **IMAP_PORTS) if self.with_imap else dict(PORTS)

    def start(self, data_dir, password=PASSWORD):
        env = dict(os.environ, ROOST_DATA_DIR=data_dir, ROOST_DEMO_PASSWORD=password, ROOST_BUILD_DIR=ARGS.build_dir)
        env.pop("ROOST_CONFIG", None)
        out = open(os.path.join(data_dir + ".out"), "ab")
        self.addCleanup(out.close)
        # A session of its own, so a Ctrl-C can be sent to the whole group as a terminal would.
        proc = subprocess.Popen([os.path.join(ARGS.repo, "deploy", "quickstart.sh"), "--no-build"], env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self.addCleanup(self.kill, proc)
        deadline = time.monotonic() + 60
        while not all(port_open(p) for p in self.ports.values()):
            if proc.poll() is not None:
                self.fail("quickstart exited with %s:\n%s" % (proc.returncode, self.output(data_dir)))
            if time.monotonic() > deadline:
                self.fail("quickstart did not open every port:\n%s" % self.output(data_dir))
            time.sleep(0.1)
        return proc

    def output(self, data_dir):
        with open(data_dir + ".out", "rb") as f:
            return f.read().decode("utf-8", "replace")

    def kill(self, proc):
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)

    def ctrl_c(self, proc):
        os.killpg(proc.pid, signal.SIGINT)
        self.assertEqual(proc.wait(30), 0)
        for name, port in self.ports.items():
            self.assertFalse(port_open(port), "%s still answers after Ctrl-C" % name)

    def pop3_stat(self, password=PASSWORD):
        p = poplib.POP3_SSL("127.0.0.1", PORTS["pop3s"], context=tls(), timeout=20)
        try:
            p.user(DEMO)
            p.pass_(password)
            count, _ = p.stat()
            bodies = [b"\r\n".join(p.retr(i + 1)[1]) for i in range(count)]
            p.quit()
            return bodies
        finally:
            p.close()

    def imap_inbox(self, implicit_tls, password=PASSWORD):
        """Logs in over IMAPS (2993) or STARTTLS (2143); SELECT INBOX; the bodies of its messages."""
        if implicit_tls:
            m = imaplib.IMAP4_SSL("127.0.0.1", IMAP_PORTS["imaps"], ssl_context=tls(), timeout=20)
        else:
            m = imaplib.IMAP4("127.0.0.1", IMAP_PORTS["imap"], timeout=20)
        try:
            if not implicit_tls:
                m.starttls(tls())
            m.login(DEMO, password)
            typ, data = m.select("INBOX", readonly=True)
            self.assertEqual(typ, "OK", data)
            count = int(data[0])
            bodies = []
            if count:
                typ, data = m.fetch("1:*", "(BODY.PEEK[])")
                self.assertEqual(typ, "OK", data)
                bodies = [part[1] for part in data if isinstance(part, tuple)]
            self.assertEqual(len(bodies), count)
            return bodies
        finally:
            try:
                m.logout()  # also closes the socket
            except (OSError, imaplib.IMAP4.error):
                pass

    def test_quickstart_sends_reads_stops_and_reuses(self):
        for port in self.ports.values():
            if port_open(port):
                self.fail("port %d is taken: stop whatever runs there (another quickstart?)" % port)
        tmp = tempfile.mkdtemp(prefix="roost-quickstart-")
        self.addCleanup(shutil.rmtree, tmp, True)
        data_dir = os.path.join(tmp, "qs")

        proc = self.start(data_dir)
        text = self.output(data_dir)
        self.assertIn("swaks --server 127.0.0.1 --port 2587", text)
        self.assertIn(PASSWORD, text, "the demo password is printed")
        with smtplib.SMTP("127.0.0.1", PORTS["submission"], timeout=20) as s:
            s.starttls(context=tls())
            s.login(DEMO, PASSWORD)
            s.sendmail(DEMO, [DEMO], b"From: demo@example.test\r\nTo: demo@example.test\r\n"
                                     b"Subject: quickstart\r\n\r\nhello from the quickstart test\r\n")
        self.assertTrue(any(b"hello from the quickstart test" in b for b in self.pop3_stat()))
        if self.with_imap:
            self.assertIn("IMAPS             127.0.0.1:2993", text)
            self.assertTrue(any(b"hello from the quickstart test" in b for b in self.imap_inbox(True)))
            self.assertTrue(any(b"hello from the quickstart test" in b for b in self.imap_inbox(False)))
        self.ctrl_c(proc)

        # Second run: the data dir is reused, the mail is still there.
        proc = self.start(data_dir)
        self.assertIn("Reusing", self.output(data_dir))
        self.assertTrue(any(b"hello from the quickstart test" in b for b in self.pop3_stat()))
        if self.with_imap:
            self.assertTrue(any(b"hello from the quickstart test" in b for b in self.imap_inbox(True)))
        self.ctrl_c(proc)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", required=True)
    parser.add_argument("--build-dir", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest)
