"""roost-pop3d integration tests: the real daemon on loopback with a temporary data directory, set up
with the real roostctl, driven by Python's poplib (and fetchmail when installed). Messages are put in
place through the store API by pop3_store_tool."""

import argparse
import base64
import os
import poplib
import shutil
import socket
import sqlite3
import ssl
import stat
import subprocess
import sys
import tempfile
import time
import unittest

ARGS = None
PASSWORD = "correct horse"
USER = "alice@example.org"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tls_context():
    ctx = ssl.create_default_context(cafile=os.path.join(ARGS.tls_dir, "ca.pem"))
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def message(i, body_lines=5, extra=b""):
    """A message with CRLF lines, including lines that need byte-stuffing."""
    lines = [
        b"From: sender@example.net",
        b"To: alice@example.org",
        b"Subject: test message %d" % i,
        b"Message-ID: <%d@example.net>" % i,
        b"",
    ]
    for n in range(body_lines):
        lines.append(b"line %d of message %d" % (n, i))
    lines += [b".", b"..two dots", b".leading dot", b"end"]
    return b"\r\n".join(lines) + b"\r\n" + extra


class Daemon:
    """A data directory with one account, and roost-pop3d running on it."""

    def __init__(self, test, plaintext_on_loopback=False, pop3d_extra=""):
        self.test = test
        self.tmp = tempfile.mkdtemp(prefix="roost-pop3d-")
        test.addCleanup(shutil.rmtree, self.tmp, True)
        self.config = os.path.join(self.tmp, "roost.toml")
        self.data = os.path.join(self.tmp, "data")
        self.pop3_port = free_port()
        self.pop3s_port = free_port()
        self.roostctl("init", "--data-dir", self.data, "--hostname", "mail.example.org")
        with open(self.config, "w") as f:
            f.write(
                'hostname = "localhost"\n'
                'data_dir = "%s"\n'
                "[tls]\n"
                'cert_file = "%s"\n'
                'key_file = "%s"\n'
                "[pop3d]\n"
                'pop3 = ["127.0.0.1:%d"]\n'
                'pop3s = ["127.0.0.1:%d"]\n'
                "%s"
                "[auth]\n"
                "argon2_time_cost = 1\n"
                "argon2_memory_kib = 64\n"
                "allow_plaintext_on_loopback = %s\n"
                % (
                    self.data,
                    os.path.join(ARGS.tls_dir, "server.pem"),
                    os.path.join(ARGS.tls_dir, "server.key"),
                    self.pop3_port,
                    self.pop3s_port,
                    pop3d_extra,
                    "true" if plaintext_on_loopback else "false",
                )
            )
        self.roostctl("domain", "add", "example.org")
        self.roostctl("user", "add", USER, "--password-stdin", input=PASSWORD + "\n")
        self.proc = None
        self.log_path = os.path.join(self.tmp, "pop3d.log")
        self.log = open(self.log_path, "ab")
        test.addCleanup(self.close)
        self.start()

    def roostctl(self, *args, input=""):
        r = subprocess.run([ARGS.roostctl, "--config", self.config] + list(args), input=input.encode(),
                           capture_output=True, timeout=60)
        if r.returncode != 0:
            raise AssertionError("roostctl %s failed: %s %s" % (args, r.stdout, r.stderr))
        return r.stdout.decode()

    def deliver(self, *contents):
        paths = []
        for n, content in enumerate(contents):
            path = os.path.join(self.tmp, "msg-%d-%d" % (time.monotonic_ns(), n))
            with open(path, "wb") as f:
                f.write(content)
            paths.append(path)
        out = subprocess.run([ARGS.store_tool, self.config, "deliver", USER] + paths, capture_output=True,
                             timeout=60, check=True).stdout.decode()
        for path in paths:
            os.unlink(path)
        return [int(u) for u in out.split()]

    def expunge(self, uid):
        subprocess.run([ARGS.store_tool, self.config, "expunge", USER, str(uid)], capture_output=True,
                       timeout=60, check=True)

    def start(self):
        self.proc = subprocess.Popen([ARGS.pop3d, "--config", self.config], stdout=subprocess.DEVNULL,
                                     stderr=self.log)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("roost-pop3d exited: %s" % self.log_text())
            try:
                socket.create_connection(("127.0.0.1", self.pop3s_port), timeout=1).close()
                socket.create_connection(("127.0.0.1", self.pop3_port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("roost-pop3d did not start: %s" % self.log_text())

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(30)
        return self.proc.returncode

    def close(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self.log.close()

    def log_text(self):
        self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode("latin-1")

    def pop3(self):
        p = poplib.POP3("127.0.0.1", self.pop3_port, timeout=20)
        self.test.addCleanup(p.close)
        return p

    def pop3_stls(self):
        p = self.pop3()
        p.stls(tls_context())
        return p

    def pop3s(self):
        p = poplib.POP3_SSL("127.0.0.1", self.pop3s_port, context=tls_context(), timeout=20)
        self.test.addCleanup(p.close)
        return p

    def login(self, p=None):
        p = p or self.pop3s()
        p.user(USER)
        p.pass_(PASSWORD)
        return p


class RawTls:
    """A raw TLS client on 995, to check exact bytes."""

    def __init__(self, daemon):
        sock = socket.create_connection(("127.0.0.1", daemon.pop3s_port), timeout=20)
        self.sock = tls_context().wrap_socket(sock, server_hostname="localhost")
        daemon.test.addCleanup(self.sock.close)
        self.buf = b""
        self.line()  # greeting

    def send(self, data):
        self.sock.sendall(data)

    def line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise AssertionError("connection closed; got %r" % self.buf)
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def multiline(self):
        while b"\r\n.\r\n" not in b"\r\n" + self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise AssertionError("connection closed")
            self.buf += chunk
        data = b"\r\n" + self.buf
        end = data.index(b"\r\n.\r\n")
        body = data[2:end + 2]
        self.buf = data[end + 5:]
        return body


def stuffed(raw):
    return b"".join((b"." + l if l.startswith(b".") else l) for l in raw.splitlines(keepends=True))


class Pop3dTest(unittest.TestCase):
    def test_capa_and_greeting(self):
        d = Daemon(self)
        p = d.pop3()
        self.assertTrue(p.getwelcome().startswith(b"+OK"))
        caps = p.capa()
        self.assertIn("STLS", caps)
        self.assertNotIn("USER", caps)
        for c in ("TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "IMPLEMENTATION"):
            self.assertIn(c, caps)
        s = d.pop3s()
        caps = s.capa()
        self.assertIn("USER", caps)
        self.assertEqual(caps["SASL"], ["PLAIN", "LOGIN"])
        self.assertNotIn("STLS", caps)

    def test_user_pass_refused_without_tls(self):
        d = Daemon(self)
        p = d.pop3()
        with self.assertRaises(poplib.error_proto) as e:
            p.user(USER)
        self.assertIn(b"[AUTH]", e.exception.args[0])
        # With [auth] allow_plaintext_on_loopback the same works in the clear.
        d2 = Daemon(self, plaintext_on_loopback=True)
        p2 = d2.login(d2.pop3())
        self.assertEqual(p2.stat(), (0, 0))
        p2.quit()

    def test_stls_then_user_pass(self):
        d = Daemon(self)
        d.deliver(message(1))
        p = d.login(d.pop3_stls())
        self.assertEqual(p.stat()[0], 1)
        self.assertTrue(p.quit().startswith(b"+OK"))
        time.sleep(0.3)
        log = d.log_text()
        self.assertIn("event=pop3.session", log)
        self.assertIn("tls=yes", log)
        self.assertNotIn(PASSWORD, log)

    def test_pop3s_implicit_tls(self):
        d = Daemon(self)
        d.deliver(message(1), message(2))
        p = d.login()
        resp, listing, _ = p.list()
        self.assertEqual(len(listing), 2)
        p.quit()

    def test_auth_plain_initial_response(self):
        d = Daemon(self)
        r = RawTls(d)
        ir = base64.b64encode(b"\0" + USER.encode() + b"\0" + PASSWORD.encode())
        r.send(b"AUTH PLAIN " + ir + b"\r\n")
        line = r.line()
        self.assertTrue(line.startswith(b"+OK"), line)
        r.send(b"QUIT\r\n")
        line = r.line()
        self.assertTrue(line.startswith(b"+OK"), line)
        # AUTH LOGIN with challenges.
        r = RawTls(d)
        r.send(b"AUTH LOGIN\r\n")
        self.assertEqual(r.line(), b"+ " + base64.b64encode(b"Username:"))
        r.send(base64.b64encode(USER.encode()) + b"\r\n")
        self.assertEqual(r.line(), b"+ " + base64.b64encode(b"Password:"))
        r.send(base64.b64encode(PASSWORD.encode()) + b"\r\n")
        self.assertTrue(r.line().startswith(b"+OK"))

    def test_auth_plain_bad_password(self):
        d = Daemon(self)
        r = RawTls(d)
        ir = base64.b64encode(b"\0" + USER.encode() + b"\0wrong")
        started = time.monotonic()
        r.send(b"AUTH PLAIN " + ir + b"\r\n")
        self.assertTrue(r.line().startswith(b"-ERR [AUTH]"))
        self.assertGreaterEqual(time.monotonic() - started, 0.2)  # failed logins are answered late
        p = d.pop3s()
        p.user(USER)
        with self.assertRaises(poplib.error_proto) as e:
            p.pass_("wrong again")
        self.assertIn(b"[AUTH]", e.exception.args[0])
        self.assertNotIn("wrong again", d.log_text())

    def test_uidl_stable_across_sessions_and_restart(self):
        d = Daemon(self)
        d.deliver(message(1), message(2), message(3))
        p = d.login()
        first = p.uidl()[1]
        p.quit()
        p = d.login()
        self.assertEqual(p.uidl()[1], first)
        self.assertEqual(len(set(l.split()[1] for l in first)), 3)
        p.dele(1)
        p.quit()
        d.stop()
        d.start()
        p = d.login()
        after = [l.split()[1] for l in p.uidl()[1]]
        self.assertEqual(after, [l.split()[1] for l in first[1:]])
        p.quit()

    def test_top_and_retr_bytes_exact(self):
        d = Daemon(self)
        raw = message(1, body_lines=4)
        d.deliver(raw)
        r = RawTls(d)
        r.send(b"USER " + USER.encode() + b"\r\nPASS " + PASSWORD.encode() + b"\r\n")
        self.assertTrue(r.line().startswith(b"+OK"))
        self.assertTrue(r.line().startswith(b"+OK"))
        r.send(b"RETR 1\r\n")
        self.assertEqual(r.line(), b"+OK %d octets" % len(raw))
        self.assertEqual(r.multiline(), stuffed(raw))
        r.send(b"TOP 1 2\r\n")
        self.assertTrue(r.line().startswith(b"+OK"))
        header, body = raw.split(b"\r\n\r\n", 1)
        expected = header + b"\r\n\r\n" + b"".join(body.splitlines(keepends=True)[:2])
        self.assertEqual(r.multiline(), stuffed(expected))
        r.send(b"QUIT\r\n")
        self.assertTrue(r.line().startswith(b"+OK"))
        time.sleep(0.2)
        # poplib undoes the stuffing: the lines are the stored ones.
        p = d.login()
        self.assertEqual(b"\r\n".join(p.retr(1)[1]) + b"\r\n", raw)

    def test_large_message_streamed(self):
        d = Daemon(self)
        big = message(1, body_lines=60000)  # about 1.6 MB, many chunks
        self.assertGreater(len(big), 1 << 20)
        d.deliver(big)
        r = RawTls(d)
        r.send(b"USER " + USER.encode() + b"\r\nPASS " + PASSWORD.encode() + b"\r\nRETR 1\r\nNOOP\r\n")
        self.assertTrue(r.line().startswith(b"+OK"))
        self.assertTrue(r.line().startswith(b"+OK"))
        self.assertEqual(r.line(), b"+OK %d octets" % len(big))
        time.sleep(0.5)  # a client that reads late: the server waits on backpressure
        self.assertEqual(r.multiline(), stuffed(big))
        self.assertEqual(r.line(), b"+OK")  # the pipelined NOOP comes after the message

    def seen_flags(self, d):
        """uid -> whether \\Seen is set, read from the store as IMAP would see it."""
        db = sqlite3.connect("file:%s?mode=ro" % os.path.join(d.data, "roost.db"), uri=True)
        try:
            rows = db.execute("SELECT m.uid, m.flags FROM messages m JOIN mailboxes b ON b.id = m.mailbox_id "
                              "WHERE b.name = 'INBOX' ORDER BY m.uid").fetchall()
        finally:
            db.close()
        return {uid: bool(flags & 1) for uid, flags in rows}

    def test_mark_seen_off_by_default(self):
        d = Daemon(self)
        uids = d.deliver(message(1), message(2))
        p = d.login()
        p.retr(1)
        p.top(2, 0)
        p.quit()
        self.assertEqual(self.seen_flags(d), {uids[0]: False, uids[1]: False})

    def test_mark_seen_on_retr_when_configured(self):
        d = Daemon(self, pop3d_extra="mark_seen = true\n")
        uids = d.deliver(message(1), message(2), message(3))
        p = d.login()
        p.retr(2)
        p.top(3, 0)  # TOP is not a retrieval: no \Seen
        p.quit()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not self.seen_flags(d)[uids[1]]:
            time.sleep(0.05)
        self.assertEqual(self.seen_flags(d), {uids[0]: False, uids[1]: True, uids[2]: False})

    def test_dele_quit_expunges(self):
        d = Daemon(self)
        d.deliver(message(1), message(2), message(3))
        p = d.login()
        p.dele(1)
        p.dele(3)
        self.assertEqual(p.stat()[0], 1)
        self.assertIn(b"2 messages deleted", p.quit())
        p = d.login()
        self.assertEqual(p.stat()[0], 1)
        self.assertIn(b"test message 2", b"\n".join(p.retr(1)[1]))
        p.quit()

    def test_rset_keeps_mail(self):
        d = Daemon(self)
        d.deliver(message(1), message(2))
        p = d.login()
        p.dele(1)
        p.dele(2)
        p.rset()
        self.assertEqual(p.stat()[0], 2)
        p.quit()
        p = d.login()
        self.assertEqual(p.stat()[0], 2)

    def test_dropped_connection_keeps_mail(self):
        d = Daemon(self)
        d.deliver(message(1), message(2))
        p = d.login()
        p.dele(1)
        p.dele(2)
        p.sock.close()  # no QUIT: RFC 1939 6, nothing is removed
        p.sock = p.file = None
        deadline = time.monotonic() + 10
        while True:
            try:
                p = d.login()
                break
            except poplib.error_proto as e:
                # The server may not have seen the close yet: the maildrop is still locked.
                if b"[IN-USE]" not in e.args[0] or time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self.assertEqual(p.stat()[0], 2)

    def test_second_session_in_use(self):
        d = Daemon(self)
        d.deliver(message(1))
        a = d.login()
        b = d.pop3s()
        b.user(USER)
        with self.assertRaises(poplib.error_proto) as e:
            b.pass_(PASSWORD)
        self.assertIn(b"[IN-USE]", e.exception.args[0])
        a.quit()
        time.sleep(0.2)
        b.user(USER)
        b.pass_(PASSWORD)
        self.assertEqual(b.stat()[0], 1)

    def test_new_mail_hidden_until_next_login(self):
        d = Daemon(self)
        d.deliver(message(1))
        p = d.login()
        self.assertEqual(p.stat()[0], 1)
        d.deliver(message(2))
        self.assertEqual(p.stat()[0], 1)
        self.assertEqual(len(p.uidl()[1]), 1)
        p.quit()
        p = d.login()
        self.assertEqual(p.stat()[0], 2)

    def test_expunged_meanwhile_is_an_error(self):
        d = Daemon(self)
        uids = d.deliver(message(1), message(2))
        p = d.login()
        d.expunge(uids[0])  # as an IMAP client would
        with self.assertRaises(poplib.error_proto):
            p.retr(1)
        self.assertIn(b"test message 2", b"\n".join(p.retr(2)[1]))
        p.dele(1)
        self.assertIn(b"+OK", p.quit())
        p = d.login()
        self.assertEqual(p.stat()[0], 1)

    def test_pipelined_commands(self):
        d = Daemon(self)
        d.deliver(message(1), message(2))
        r = RawTls(d)
        r.send(b"CAPA\r\nUSER " + USER.encode() + b"\r\nPASS " + PASSWORD.encode() +
               b"\r\nSTAT\r\nLIST 2\r\nDELE 1\r\nSTAT\r\nRSET\r\nSTAT\r\nQUIT\r\n")
        self.assertIn(b"PIPELINING", r.multiline())
        replies = [r.line() for _ in range(9)]
        self.assertTrue(all(x.startswith(b"+OK") for x in replies), replies)
        self.assertEqual(replies[2], b"+OK 2 %d" % (len(message(1)) + len(message(2))))
        self.assertEqual(replies[3], b"+OK 2 %d" % len(message(2)))
        self.assertEqual(replies[5], b"+OK 1 %d" % len(message(2)))
        self.assertEqual(replies[7], replies[2])

    def test_idle_timeout_closes_without_update(self):
        d = Daemon(self, pop3d_extra='idle_timeout = "1s"\n')
        d.deliver(message(1))
        r = RawTls(d)
        r.send(b"USER " + USER.encode() + b"\r\nPASS " + PASSWORD.encode() + b"\r\nDELE 1\r\n")
        for _ in range(3):
            self.assertTrue(r.line().startswith(b"+OK"))
        self.assertTrue(r.line().startswith(b"-ERR"))  # autologout, RFC 1939 3
        self.assertEqual(r.sock.recv(100), b"")
        p = d.login()
        self.assertEqual(p.stat()[0], 1)  # the DELE was not applied

    def test_graceful_stop_ends_sessions(self):
        d = Daemon(self)
        d.deliver(message(1))
        r = RawTls(d)
        r.send(b"USER " + USER.encode() + b"\r\nPASS " + PASSWORD.encode() + b"\r\nDELE 1\r\n")
        for _ in range(3):
            self.assertTrue(r.line().startswith(b"+OK"))
        d.proc.terminate()
        self.assertEqual(r.line(), b"-ERR [SYS/TEMP] Server shutting down")
        r.sock.close()
        self.assertEqual(d.proc.wait(30), 0)
        d.start()
        p = d.login()
        self.assertEqual(p.stat()[0], 1)  # a stop is not a QUIT: nothing expunged

    def test_apop_refused(self):
        d = Daemon(self)
        r = RawTls(d)
        r.send(b"APOP alice@example.org c4c9334bac560ecc979e58001b3e22fb\r\n")
        self.assertTrue(r.line().startswith(b"-ERR APOP is not supported"))

    def test_fetchmail_200_messages_over_tls(self):
        fetchmail = shutil.which("fetchmail")
        if not fetchmail:
            self.skipTest("fetchmail is not installed (Debian package fetchmail)")
        d = Daemon(self)
        sent = []
        for i in range(200):
            sent.append(message(i, body_lines=i % 37, extra=(b"x" * (i * 97 % 5000) + b"\r\n") if i % 3 else b""))
        for start in range(0, 200, 50):
            d.deliver(*sent[start:start + 50])
        out_dir = os.path.join(d.tmp, "delivered")
        os.mkdir(out_dir)
        mda = os.path.join(d.tmp, "mda.sh")
        with open(mda, "w") as f:
            f.write('#!/bin/sh\nexec cat > "%s/msg.$$"\n' % out_dir)
        os.chmod(mda, 0o755)
        rc = os.path.join(d.tmp, "fetchmailrc")
        with open(rc, "w") as f:
            f.write(
                'set invisible\n'
                'poll 127.0.0.1 service %d protocol pop3 timeout 60\n'
                '  user "%s" password "%s"\n'
                '  ssl sslcertck sslcertfile "%s" sslcommonname localhost\n'
                '  mda "%s" no stripcr no rewrite fetchall\n'
                % (d.pop3s_port, USER, PASSWORD, os.path.join(ARGS.tls_dir, "ca.pem"), mda)
            )
        os.chmod(rc, stat.S_IRUSR | stat.S_IWUSR)
        env = dict(os.environ, HOME=d.tmp, FETCHMAILHOME=d.tmp)
        r = subprocess.run([fetchmail, "-f", rc, "--nosyslog", "-N", "-d0"], env=env, capture_output=True,
                           timeout=100)
        self.assertIn(r.returncode, (0,), "fetchmail failed: %s %s\n%s" % (r.stdout, r.stderr, d.log_text()))
        got = []
        for name in os.listdir(out_dir):
            with open(os.path.join(out_dir, name), "rb") as f:
                got.append(f.read())
        self.assertEqual(len(got), 200)
        self.assertEqual(sorted(got), sorted(sent))
        # fetchmail deleted what it retrieved (DELE + QUIT).
        p = d.login()
        self.assertEqual(p.stat()[0], 0)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--pop3d", required=True)
    parser.add_argument("--roostctl", required=True)
    parser.add_argument("--store-tool", required=True)
    parser.add_argument("--tls-dir", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
