#!/usr/bin/python3
"""Integration tests of roost-smtpd: a real daemon on loopback ports with a temporary data dir made
by roostctl, driven by smtplib and raw sockets; the store is checked by reading the SQLite database.

Usage: smtpd_test.py ROOST_SMTPD ROOSTCTL TLS_DATA_DIR [unittest arguments]
"""
import base64
import os
import random
import re
import shutil
import signal
import smtplib
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest

SMTPD = None
ROOSTCTL = None
TLS_DIR = None

DOMAIN = "example.test"
DEMO = "demo@example.test"
DEMO_PASSWORD = "demo-password-1"
OTHER = "other@example.test"
OTHER_PASSWORD = "other-password-2"
MAX_SIZE = 128 * 1024


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def client_tls():
    ctx = ssl.create_default_context(cafile=os.path.join(TLS_DIR, "ca.pem"))
    ctx.check_hostname = False
    return ctx


class Roost:
    """A data dir made by roostctl, a config with free loopback ports, and a running roost-smtpd."""

    def __init__(self, test, extra_config=""):
        self.test = test
        self.tmp = tempfile.mkdtemp(prefix="roost-smtpd-")
        test.addCleanup(shutil.rmtree, self.tmp, True)
        self.data = os.path.join(self.tmp, "data")
        self.config = os.path.join(self.tmp, "roost.toml")
        self.log_path = os.path.join(self.tmp, "smtpd.log")
        self.mx, self.submission, self.submissions = free_port(), free_port(), free_port()
        self.proc = None
        self.ctl("init", "--data-dir", self.data, "--hostname", "mx.example.test")
        with open(self.config, "w") as f:
            f.write(f"""hostname = "mx.example.test"
data_dir = "{self.data}"
log_level = "info"
[tls]
cert_file = "{TLS_DIR}/server.pem"
key_file = "{TLS_DIR}/server.key"
[smtpd]
mx = ["127.0.0.1:{self.mx}"]
submission = ["127.0.0.1:{self.submission}"]
submissions = ["127.0.0.1:{self.submissions}"]
max_message_size = {MAX_SIZE}
[auth]
argon2_time_cost = 1
argon2_memory_kib = 64
allow_plaintext_on_loopback = false
failure_max_delay = "2s"
[limits]
shutdown_grace = "2s"
""" + extra_config)
        self.ctl("domain", "add", DOMAIN)
        self.ctl("user", "add", DEMO, "--password-stdin", stdin=DEMO_PASSWORD + "\n")
        self.ctl("user", "add", OTHER, "--password-stdin", stdin=OTHER_PASSWORD + "\n")
        self.ctl("alias", "add", "alias@example.test", DEMO)
        test.addCleanup(self.stop)

    def ctl(self, *args, stdin=None):
        r = subprocess.run([ROOSTCTL, "--config", self.config] + list(args), input=stdin, text=True,
                           capture_output=True, timeout=60)
        if r.returncode != 0:
            raise AssertionError(f"roostctl {args} failed: {r.stdout} {r.stderr}")
        return r.stdout

    def start(self):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([SMTPD, "--config", self.config], stdout=self.log, stderr=self.log)
        deadline = time.time() + 20
        for port in (self.mx, self.submission, self.submissions):
            while True:
                if self.proc.poll() is not None:
                    raise AssertionError("roost-smtpd exited: " + self.log_text())
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.time() > deadline:
                        raise AssertionError("roost-smtpd did not listen: " + self.log_text())
                    time.sleep(0.05)
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.log.close()
        return self.proc.returncode if self.proc else None

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.log.close()

    def log_text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def db(self):
        db = sqlite3.connect(f"file:{self.data}/roost.db?mode=ro", uri=True, timeout=10)
        self.test.addCleanup(db.close)
        return db

    def inbox(self, address=DEMO):
        local, domain = address.split("@")
        rows = self.db().execute(
            "SELECT b.data FROM messages m JOIN mailboxes mb ON mb.id = m.mailbox_id "
            "JOIN accounts a ON a.id = mb.account_id JOIN domains d ON d.id = a.domain_id "
            "JOIN blobs b ON b.id = m.blob_id WHERE a.local_key = ? AND d.name = ? AND mb.name = 'INBOX' "
            "ORDER BY m.uid", (local.lower(), domain)).fetchall()
        return [bytes(r[0]) for r in rows]

    def queue(self):
        return [(r[0], r[1], bytes(r[2])) for r in self.db().execute(
            "SELECT q.sender, q.recipient, b.data FROM queue q JOIN blobs b ON b.id = q.blob_id ORDER BY q.id")]

    def message_count(self):
        return self.db().execute("SELECT count(*) FROM messages").fetchone()[0]

    # Clients.
    def smtp(self, port=None):
        s = smtplib.SMTP("127.0.0.1", port or self.mx, timeout=30)
        self.test.addCleanup(close_quietly, s)
        return s

    def submit(self, user=DEMO, password=DEMO_PASSWORD):
        s = self.smtp(self.submission)
        s.starttls(context=client_tls())
        s.login(user, password)
        return s

    def raw(self, port=None):
        c = Raw(socket.create_connection(("127.0.0.1", port or self.mx), timeout=30))
        self.test.addCleanup(c.close)
        return c


def close_quietly(s):
    try:
        s.close()
    except Exception:
        pass


class Raw:
    """SMTP over a raw socket: send bytes as they are, read replies (multi-line joined)."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def send(self, data):
        self.sock.sendall(data)

    def line(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("connection closed; buffered %r" % self.buf[:200])
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return line.rstrip(b"\r").decode("utf-8", "replace")

    def reply(self):
        """(code, text of the last line)."""
        while True:
            line = self.line()
            if len(line) >= 4 and line[3] == "-":
                continue
            return int(line[:3]), line[4:]

    def cmd(self, text):
        self.send(text.encode() + b"\r\n")
        return self.reply()

    def expect_closed(self):
        self.buf = b""
        try:
            while self.sock.recv(65536):
                pass
        except (ConnectionResetError, ssl.SSLError, socket.timeout):
            pass
        return True

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def message(subject="test", body=b"Hello.\r\n", msgid=None, sender="sender@remote.test", to=DEMO):
    msgid = msgid or f"<{random.getrandbits(64):x}@remote.test>"
    return (f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: {msgid}\r\n"
            f"Date: Mon, 23 Nov 2026 14:00:00 +0000\r\n\r\n").encode() + body


class SmtpdTest(unittest.TestCase):
    def setUp(self):
        self.roost = Roost(self).start()

    # ---- MX ----

    def test_mx_delivery_stores_the_exact_bytes(self):
        body = b"Line one.\r\n.A line starting with a dot.\r\n..two dots\r\n\r\nTabs\there.\r\n"
        msg = message(body=body)
        s = self.roost.smtp()
        s.sendmail("sender@remote.test", [DEMO], msg)
        s.quit()
        (stored,) = self.roost.inbox()
        self.assertTrue(stored.startswith(b"Return-Path: <sender@remote.test>\r\n"
                                          b"Delivered-To: demo@example.test\r\nReceived: from "), stored[:200])
        self.assertTrue(stored.endswith(msg), stored)
        header = stored[:len(stored) - len(msg)]
        self.assertIn(b"by mx.example.test", header)
        self.assertIn(b"for <demo@example.test>", header)

    def test_alias_and_subaddress_reach_the_account(self):
        s = self.roost.smtp()
        s.sendmail("sender@remote.test", ["alias@example.test", "demo+tag@example.test", "DEMO@EXAMPLE.TEST"],
                   message())
        s.quit()
        (stored,) = self.roost.inbox()  # one copy per account, named by its account address
        self.assertIn(b"\r\nDelivered-To: demo@example.test\r\n", stored)

    def test_each_local_recipient_gets_its_own_delivered_to(self):
        s = self.roost.smtp()
        s.sendmail("sender@remote.test", [DEMO, OTHER], message())
        s.quit()
        (demo_copy,) = self.roost.inbox(DEMO)
        (other_copy,) = self.roost.inbox(OTHER)
        self.assertIn(b"Delivered-To: demo@example.test\r\n", demo_copy)
        self.assertNotIn(b"Delivered-To: " + OTHER.encode(), demo_copy)
        self.assertIn(b"Delivered-To: " + OTHER.encode() + b"\r\n", other_copy)
        # Past the trace fields both hold the same message.
        self.assertEqual(demo_copy.split(b"\r\n", 2)[2], other_copy.split(b"\r\n", 2)[2])

    def test_unknown_user_is_refused_with_550_5_1_1(self):
        c = self.roost.raw()
        c.reply()
        c.cmd("EHLO client.test")
        self.assertEqual(c.cmd("MAIL FROM:<a@remote.test>")[0], 250)
        code, text = c.cmd("RCPT TO:<nobody@example.test>")
        self.assertEqual((code, text[:5]), (550, "5.1.1"))

    def test_relay_attempts_are_refused_with_554_5_7_1(self):
        c = self.roost.raw()
        c.reply()
        c.cmd("EHLO client.test")
        self.assertEqual(c.cmd("MAIL FROM:<a@remote.test>")[0], 250)
        for rcpt in ["<x@other.test>", "<@example.test:x@other.test>", "<x%other.test@example.test>",
                     '<"x@other.test"@example.test>', "<x!other.test@example.test>", "<x@[192.0.2.1]>"]:
            code, text = c.cmd(f"RCPT TO:{rcpt}")
            self.assertEqual((code, text[:5]), (554, "5.7.1"), rcpt)
        code, _ = c.cmd("DATA")
        self.assertEqual(code, 554)  # no valid recipients
        self.assertEqual(self.roost.queue(), [])

    def test_auth_is_not_offered_on_mx(self):
        s = self.roost.smtp()
        s.starttls(context=client_tls())
        s.ehlo()
        self.assertFalse(s.has_extn("auth"))

    # ---- Submission ----

    def test_submission_starttls_auth_plain(self):
        s = self.roost.smtp(self.roost.submission)
        s.starttls(context=client_tls())
        s.ehlo()
        self.assertIn("PLAIN", s.esmtp_features.get("auth", ""))
        s.user, s.password = DEMO, DEMO_PASSWORD
        code, _ = s.auth("PLAIN", s.auth_plain)
        self.assertEqual(code, 235)
        s.sendmail(DEMO, [OTHER], message(sender=DEMO, to=OTHER))
        s.quit()
        (stored,) = self.roost.inbox(OTHER)
        self.assertIn(b"with ESMTPSA", stored)

    def test_submission_starttls_auth_login(self):
        s = self.roost.smtp(self.roost.submission)
        s.starttls(context=client_tls())
        s.ehlo()
        s.user, s.password = DEMO, DEMO_PASSWORD
        code, _ = s.auth("LOGIN", s.auth_login, initial_response_ok=False)
        self.assertEqual(code, 235)
        s.sendmail(DEMO, [DEMO], message(sender=DEMO))
        s.quit()
        self.assertEqual(len(self.roost.inbox()), 1)

    def test_submissions_implicit_tls(self):
        s = smtplib.SMTP_SSL("127.0.0.1", self.roost.submissions, context=client_tls(), timeout=30)
        self.addCleanup(close_quietly, s)
        s.login(DEMO, DEMO_PASSWORD)
        s.sendmail(DEMO, [OTHER], message(sender=DEMO, to=OTHER))
        s.quit()
        (stored,) = self.roost.inbox(OTHER)
        self.assertIn(b"(using TLSv1.", stored)

    def test_auth_before_tls_is_refused(self):
        c = self.roost.raw(self.roost.submission)
        c.reply()
        c.send(b"EHLO client.test\r\n")
        ehlo = b""
        while True:
            line = c.line()
            ehlo += line.encode() + b"\n"
            if line[3] == " ":
                break
        self.assertNotIn(b"AUTH", ehlo)
        plain = base64.b64encode(f"\0{DEMO}\0{DEMO_PASSWORD}".encode()).decode()
        code, text = c.cmd(f"AUTH PLAIN {plain}")
        self.assertIn(code, (530, 538))
        code, _ = c.cmd("MAIL FROM:<demo@example.test>")
        self.assertEqual(code, 530)
        self.assertNotIn(DEMO_PASSWORD, self.roost.log_text())

    def test_wrong_password_is_refused_535(self):
        s = self.roost.smtp(self.roost.submission)
        s.starttls(context=client_tls())
        with self.assertRaises(smtplib.SMTPAuthenticationError) as cm:
            s.login(DEMO, "wrong-password")
        self.assertEqual(cm.exception.smtp_code, 535)
        self.assertNotIn("wrong-password", self.roost.log_text())

    def test_mail_from_not_owned_is_refused_553(self):
        s = self.roost.submit()
        code, _ = s.mail(OTHER)
        self.assertEqual(code, 553)
        code, _ = s.mail("someone@remote.test")
        self.assertEqual(code, 553)
        code, _ = s.mail("alias@example.test")  # an alias of demo: owned
        self.assertEqual(code, 250)

    def test_from_header_not_owned_is_refused(self):
        s = self.roost.submit()
        with self.assertRaises(smtplib.SMTPDataError) as cm:
            s.sendmail(DEMO, [OTHER], message(sender=OTHER, to=OTHER))
        self.assertEqual(cm.exception.smtp_code, 550)
        self.assertEqual(self.roost.inbox(OTHER), [])

    def test_external_recipient_lands_in_the_queue(self):
        s = self.roost.submit()
        msg = message(sender=DEMO, to="friend@far.test")
        s.sendmail(DEMO, ["friend@far.test", OTHER], msg)
        s.quit()
        ((sender, rcpt, data),) = self.roost.queue()
        self.assertEqual((sender, rcpt), (DEMO, "friend@far.test"))
        self.assertTrue(data.endswith(msg))
        self.assertNotIn(b"Return-Path:", data)
        (local,) = self.roost.inbox(OTHER)
        self.assertTrue(local.startswith(b"Return-Path: <demo@example.test>\r\nDelivered-To: " + OTHER.encode() + b"\r\n"))

    def test_submitted_mail_is_dkim_signed_and_verifies(self):
        try:
            import dkim
        except ImportError:
            self.skipTest("python3-dkim is not installed (apt-get install python3-dkim python3-nacl)")
        self.roost.ctl("dkim", "keygen", "example.test", "--algorithm", "ed25519", "--selector", "s1")
        zone = self.roost.ctl("dns", "example.test")
        records = {}
        for line in zone.splitlines():
            if line.startswith(";") or " IN TXT " not in line:
                continue
            strings = re.findall(r'"((?:[^"\\]|\\.)*)"', line.split(" IN TXT ", 1)[1])
            records[line.split()[0].rstrip(".").lower()] = "".join(strings)
        self.assertIn("s1._domainkey.example.test", records)
        s = self.roost.submit()
        s.sendmail(DEMO, [OTHER, "friend@far.test"], message(sender=DEMO, to=OTHER))
        s.quit()
        (local,) = self.roost.inbox(OTHER)
        ((_, _, queued),) = self.roost.queue()
        for copy in (local, queued):
            self.assertIn(b"DKIM-Signature: v=1; a=ed25519-sha256;", copy)
            self.assertTrue(dkim.verify(copy, dnsfunc=lambda name, timeout=5:
                                        records.get(name.decode().rstrip(".").lower(), "").encode()))
        # A domain without a key sends unsigned, and mail arriving on port 25 is never signed.
        mx = self.roost.smtp()
        mx.sendmail("sender@remote.test", [DEMO], message())
        mx.quit()
        self.assertNotIn(b"DKIM-Signature:", self.roost.inbox(DEMO)[-1])

    def test_submission_adds_missing_date_and_message_id(self):
        s = self.roost.submit()
        s.sendmail(DEMO, [OTHER], b"From: demo@example.test\r\nSubject: bare\r\n\r\nbody\r\n")
        s.quit()
        (stored,) = self.roost.inbox(OTHER)
        self.assertIn(b"\r\nDate: ", stored)
        self.assertIn(b"\r\nMessage-ID: <", stored)

    # ---- Extensions ----

    def test_smtputf8_and_8bitmime(self):
        s = self.roost.smtp()
        s.ehlo()
        self.assertTrue(s.has_extn("smtputf8") and s.has_extn("8bitmime"))
        msg = ("From: jürgen@bücher.test\r\nTo: demo@example.test\r\nSubject: Grüße\r\n\r\n"
               "Schöne Grüße ✓\r\n").encode("utf-8")
        s.sendmail("jürgen@bücher.test", [DEMO], msg, mail_options=["SMTPUTF8", "BODY=8BITMIME"])
        s.quit()
        (stored,) = self.roost.inbox()
        self.assertTrue(stored.endswith(msg))
        self.assertIn("Return-Path: <jürgen@bücher.test>".encode(), stored)
        self.assertIn(b"with UTF8SMTP", stored)

    def test_bdat(self):
        c = self.roost.raw()
        c.reply()
        c.cmd("EHLO client.test")
        msg = message(body=b"Chunked.\r\n.\r\nNot the end.\r\n")
        self.assertEqual(c.cmd("MAIL FROM:<a@remote.test> BODY=BINARYMIME")[0] in (250, 501, 504, 555), True)
        c.cmd("RSET")
        self.assertEqual(c.cmd("MAIL FROM:<a@remote.test>")[0], 250)
        self.assertEqual(c.cmd("RCPT TO:<demo@example.test>")[0], 250)
        first, second = msg[:37], msg[37:]
        c.send(b"BDAT %d\r\n" % len(first) + first)
        self.assertEqual(c.reply()[0], 250)
        c.send(b"BDAT %d LAST\r\n" % len(second) + second)
        code, text = c.reply()
        self.assertEqual(code, 250, text)
        (stored,) = self.roost.inbox()
        self.assertTrue(stored.endswith(msg))

    def test_pipelining_a_whole_transaction_in_one_packet(self):
        c = self.roost.raw()
        c.reply()
        msg = message()
        c.send(b"EHLO client.test\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<demo@example.test>\r\n"
               b"RCPT TO:<nobody@example.test>\r\nRCPT TO:<other@example.test>\r\nDATA\r\n" + msg +
               b".\r\nQUIT\r\n")
        codes = [c.reply()[0] for _ in range(7)]
        self.assertEqual(codes, [250, 250, 250, 550, 250, 354, 250])
        self.assertEqual(c.reply()[0], 221)
        self.assertEqual(len(self.roost.inbox()), 1)
        self.assertEqual(len(self.roost.inbox(OTHER)), 1)

    # ---- Hostile input ----

    def test_smuggling_probes_are_refused_and_nothing_is_stored(self):
        smuggled = (b"MAIL FROM:<admin@example.test>\r\nRCPT TO:<demo@example.test>\r\nDATA\r\n"
                    b"Subject: smuggled\r\n\r\nsmuggled\r\n")
        for end in [b"\n.\n", b"\n.\r\n", b"\r\n.\n", b"\r.\r", b"\r.\r\n", b"\r\n.\r"]:
            c = self.roost.raw()
            c.reply()
            c.cmd("EHLO client.test")
            self.assertEqual(c.cmd("MAIL FROM:<a@remote.test>")[0], 250)
            self.assertEqual(c.cmd("RCPT TO:<demo@example.test>")[0], 250)
            self.assertEqual(c.cmd("DATA")[0], 354)
            c.send(b"Subject: first\r\n\r\nfirst" + end + smuggled + b"\r\n.\r\n")
            code, text = c.reply()
            self.assertEqual((code, text[:5]), (554, "5.6.0"), end)
            # In step: the next command is answered as a command, and nothing else was queued.
            self.assertEqual(c.cmd("NOOP")[0], 250)
            self.assertEqual(c.cmd("QUIT")[0], 221)
        self.assertEqual(self.roost.message_count(), 0)

    def test_bdat_smuggling_is_refused(self):
        c = self.roost.raw()
        c.reply()
        c.cmd("EHLO client.test")
        c.cmd("MAIL FROM:<a@remote.test>")
        c.cmd("RCPT TO:<demo@example.test>")
        body = b"Subject: x\r\n\r\nx\n.\nMAIL FROM:<b@remote.test>\r\n"
        c.send(b"BDAT %d LAST\r\n" % len(body) + body)
        code, text = c.reply()
        self.assertEqual((code, text[:5]), (554, "5.6.0"))
        self.assertEqual(self.roost.message_count(), 0)

    def test_starttls_injection_is_ignored(self):
        c = self.roost.raw()
        c.reply()
        c.cmd("EHLO client.test")
        # The plaintext behind STARTTLS must never be taken as sent under TLS (CVE-2011-0411).
        c.send(b"STARTTLS\r\nMAIL FROM:<injected@remote.test>\r\nRCPT TO:<demo@example.test>\r\n")
        line = b""
        while not line.endswith(b"\n"):
            line += c.sock.recv(1)
        self.assertTrue(line.startswith(b"220"), line)
        tls = client_tls().wrap_socket(c.sock)
        t = Raw(tls)
        self.assertEqual(t.cmd("EHLO client.test")[0], 250)  # the first reply under TLS is EHLO's
        self.assertEqual(t.cmd("RCPT TO:<demo@example.test>")[0], 503)  # no MAIL survived
        self.assertEqual(t.cmd("MAIL FROM:<a@remote.test>")[0], 250)
        self.assertEqual(t.cmd("QUIT")[0], 221)

    def test_over_long_line_is_answered_and_stays_in_step(self):
        c = self.roost.raw()
        c.reply()
        c.cmd("EHLO client.test")
        c.send(b"NOOP " + b"x" * 100000 + b"\r\n")
        code, text = c.reply()
        self.assertEqual((code, text[:5]), (500, "5.5.2"))
        self.assertEqual(c.cmd("NOOP")[0], 250)

    def test_oversized_message_is_refused_552(self):
        big = message(body=(b"y" * 998 + b"\r\n") * (MAX_SIZE // 1000 + 10))
        s = self.roost.smtp()
        with self.assertRaises(smtplib.SMTPSenderRefused) as cm:  # SIZE= at MAIL FROM
            s.sendmail("a@remote.test", [DEMO], big)
        self.assertEqual(cm.exception.smtp_code, 552)
        # Without SIZE: refused at the end of the data, in step.
        c = self.roost.raw()
        c.reply()
        c.cmd("EHLO client.test")
        c.cmd("MAIL FROM:<a@remote.test>")
        c.cmd("RCPT TO:<demo@example.test>")
        self.assertEqual(c.cmd("DATA")[0], 354)
        c.send(big + b".\r\n")
        code, text = c.reply()
        self.assertEqual((code, text[:5]), (552, "5.3.4"))
        self.assertEqual(c.cmd("NOOP")[0], 250)
        self.assertEqual(self.roost.message_count(), 0)

    def test_101st_recipient_is_refused_452(self):
        c = self.roost.raw()
        c.reply()
        c.cmd("EHLO client.test")
        c.cmd("MAIL FROM:<a@remote.test>")
        c.send(b"".join(b"RCPT TO:<demo+%d@example.test>\r\n" % i for i in range(101)))
        codes = [c.reply() for _ in range(101)]
        self.assertEqual([code for code, _ in codes[:100]], [250] * 100)
        self.assertEqual((codes[100][0], codes[100][1][:5]), (452, "4.5.3"))
        self.assertEqual(c.cmd("DATA")[0], 354)
        c.send(message() + b".\r\n")
        self.assertEqual(c.reply()[0], 250)
        self.assertEqual(len(self.roost.inbox()), 1)

    def test_brute_force_auth_is_throttled_then_cut_off(self):
        s = self.roost.smtp(self.roost.submission)
        s.starttls(context=client_tls())
        s.ehlo()
        times, codes = [], []
        for i in range(20):
            plain = base64.b64encode(f"\0{DEMO}\0guess-{i}".encode()).decode()
            start = time.time()
            try:
                code, _ = s.docmd("AUTH", "PLAIN " + plain)
            except smtplib.SMTPServerDisconnected:
                break
            times.append(time.time() - start)
            codes.append(code)
            if code == 421:
                break
        self.assertEqual(codes[-1], 421, codes)
        self.assertTrue(all(c == 535 for c in codes[:-1]), codes)
        self.assertGreater(times[-2], times[0] * 2, times)  # the delay grows
        # The account stays locked for a while, from a new connection too, even with the password.
        s2 = self.roost.smtp(self.roost.submission)
        s2.starttls(context=client_tls())
        s2.ehlo()
        plain = base64.b64encode(f"\0{DEMO}\0{DEMO_PASSWORD}".encode()).decode()
        try:
            code, _ = s2.docmd("AUTH", "PLAIN " + plain)
        except smtplib.SMTPServerDisconnected:
            code = 421
        self.assertEqual(code, 421)
        # Another account from the same address still works.
        s3 = self.roost.submit(OTHER, OTHER_PASSWORD)
        s3.quit()

    # ---- Process ----

    def test_sigterm_stops_cleanly(self):
        s = self.roost.smtp()
        s.ehlo()
        self.assertEqual(self.roost.stop(), 0)
        self.assertIn("msg=stopped", self.roost.log_text())

    def test_bad_config_is_refused(self):
        bad = os.path.join(self.roost.tmp, "bad.toml")
        with open(bad, "w") as f:
            f.write('[smtpd]\nmax_recipients = "many"\n')
        r = subprocess.run([SMTPD, "--config", bad], capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 1)
        self.assertIn("smtpd.max_recipients", r.stderr)
        r = subprocess.run([SMTPD], capture_output=True, text=True, timeout=30,
                           env=dict(os.environ, ROOST_CONFIG=os.path.join(self.roost.tmp, "missing.toml")))
        self.assertEqual(r.returncode, 1)
        self.assertIn("missing.toml", r.stderr)

    def test_log_has_one_line_per_transaction(self):
        s = self.roost.submit()
        s.sendmail(DEMO, [OTHER], message(sender=DEMO, to=OTHER))
        s.quit()
        # A message the session refuses by itself (bare LF smuggling) leaves its line too.
        c = self.roost.raw()
        c.reply()
        c.cmd("EHLO client.test")
        self.assertEqual(c.cmd("MAIL FROM:<a@remote.test>")[0], 250)
        self.assertEqual(c.cmd("RCPT TO:<demo@example.test>")[0], 250)
        self.assertEqual(c.cmd("DATA")[0], 354)
        c.send(b"Subject: first\r\n\r\nfirst\n.\nMAIL FROM:<b@remote.test>\r\n\r\n.\r\n")
        self.assertEqual(c.reply()[0], 554)
        self.assertEqual(c.cmd("QUIT")[0], 221)
        self.roost.stop()
        lines = [l for l in self.roost.log_text().splitlines() if "msg=smtp.message" in l]
        self.assertEqual(len(lines), 2, lines)
        stored = [l for l in lines if "result=stored" in l]
        refused = [l for l in lines if "result=refused" in l]
        self.assertEqual((len(stored), len(refused)), (1, 1), lines)
        for key in ["queue_id=", "client=127.0.0.1", "tls=TLSv1", "user=demo@example.test", "from=demo@example.test",
                    "to=other@example.test", "size=", "result=stored"]:
            self.assertIn(key, stored[0])
        for key in ["client=127.0.0.1", "tls=no", "from=a@remote.test", "to=demo@example.test", "size=",
                    "result=refused", "code=554", "enhanced=5.6.0", "reason=bare_line_ending"]:
            self.assertIn(key, refused[0])
        self.assertNotIn(DEMO_PASSWORD, self.roost.log_text())

    def test_swaks_pipelining_auth_and_attachment(self):
        swaks = shutil.which("swaks")
        if not swaks:
            self.skipTest("swaks is not installed (apt-get install swaks)")
        probe = subprocess.run(["perl", "-MNet::SSLeay", "-e", "1"], capture_output=True)
        if probe.returncode != 0:
            self.skipTest("swaks needs Net::SSLeay for -tls (apt-get install libnet-ssleay-perl)")
        att = os.path.join(self.roost.tmp, "attachment.bin")
        with open(att, "wb") as f:
            f.write(os.urandom(20000))
        r = subprocess.run([swaks, "--server", "127.0.0.1", "--port", str(self.roost.submission), "-tls",
                            "--tls-verify", "--tls-ca-path", os.path.join(TLS_DIR, "ca.pem"),
                            "--auth", "PLAIN", "--auth-user", DEMO, "--auth-password", DEMO_PASSWORD,
                            "--from", DEMO, "--to", OTHER, "--pipeline", "--attach", "@" + att],
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0 and "--tls-verify" in r.stderr:
            r = subprocess.run([swaks, "--server", "127.0.0.1", "--port", str(self.roost.submission), "-tls",
                                "--auth", "PLAIN", "--auth-user", DEMO, "--auth-password", DEMO_PASSWORD,
                                "--from", DEMO, "--to", OTHER, "--pipeline", "--attach", "@" + att],
                               capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        (stored,) = self.roost.inbox(OTHER)
        self.assertIn(b"Content-Type: application/octet-stream", stored)


class CertificateReloadTest(unittest.TestCase):
    def test_sighup_reloads_the_certificate(self):
        roost = Roost(self)
        cert, key = os.path.join(roost.tmp, "cert.pem"), os.path.join(roost.tmp, "key.pem")
        shutil.copy(os.path.join(TLS_DIR, "server.pem"), cert)
        shutil.copy(os.path.join(TLS_DIR, "server.key"), key)
        text = open(roost.config).read()
        text = text.replace(f"{TLS_DIR}/server.pem", cert).replace(f"{TLS_DIR}/server.key", key)
        with open(roost.config, "w") as f:
            f.write(text)
        roost.start()

        def organisation():
            with socket.create_connection(("127.0.0.1", roost.submissions), timeout=30) as raw:
                with client_tls().wrap_socket(raw) as tls:
                    subject = dict(x[0] for x in tls.getpeercert()["subject"])
                    return subject["organizationName"]

        self.assertEqual(organisation(), "Roost")
        shutil.copy(os.path.join(TLS_DIR, "server2.pem"), cert)
        shutil.copy(os.path.join(TLS_DIR, "server2.key"), key)
        roost.proc.send_signal(signal.SIGHUP)
        deadline = time.time() + 10
        while "reloaded" not in roost.log_text() and time.time() < deadline:
            time.sleep(0.05)
        self.assertEqual(organisation(), "Roost Reloaded")


class IdleTimeoutTest(unittest.TestCase):
    def test_idle_client_gets_421_and_is_closed(self):
        roost = Roost(self, extra_config="").start()
        roost.stop()
        text = open(roost.config).read().replace("[smtpd]\n", '[smtpd]\nidle_timeout = "1s"\n')
        with open(roost.config, "w") as f:
            f.write(text)
        roost.start()
        c = roost.raw()
        c.reply()
        c.cmd("EHLO client.test")
        start = time.time()
        code, text = c.reply()
        self.assertEqual((code, text[:5]), (421, "4.4.2"))
        self.assertLess(time.time() - start, 10)
        c.expect_closed()


class CrashTest(unittest.TestCase):
    """Every message that got 250 survives a SIGKILL exactly once."""

    SESSIONS = 8
    TOTAL = 2000

    def test_acknowledged_messages_survive_sigkill(self):
        roost = Roost(self).start()
        acked = set()
        lock = threading.Lock()
        stop = threading.Event()
        per_session = self.TOTAL // self.SESSIONS

        def sender(n):
            try:
                s = smtplib.SMTP("127.0.0.1", roost.mx, timeout=30)
                s.ehlo()
                for i in range(per_session):
                    if stop.is_set():
                        break
                    msgid = f"<crash-{n}-{i}@remote.test>"
                    s.sendmail("a@remote.test", [DEMO], message(msgid=msgid))
                    with lock:
                        acked.add(msgid)
            except (smtplib.SMTPException, OSError):
                pass  # the server was killed: whatever was not acknowledged may or may not be stored

        threads = [threading.Thread(target=sender, args=(n,)) for n in range(self.SESSIONS)]
        started = time.time()
        for t in threads:
            t.start()
        kill_at = random.randint(self.TOTAL // 10, self.TOTAL * 8 // 10)
        while True:
            with lock:
                count = len(acked)
            if count >= kill_at or time.time() - started > 60:
                break
            time.sleep(0.001)
        roost.kill()
        stop.set()
        for t in threads:
            t.join(timeout=60)
        elapsed = time.time() - started
        roost.start()  # the store opens again after the crash
        ids = {}
        for data in roost.inbox():
            m = re.search(rb"\r\nMessage-ID: (<[^>]*>)\r\n", data)
            self.assertIsNotNone(m)
            ids[m.group(1).decode()] = ids.get(m.group(1).decode(), 0) + 1
        missing = [m for m in acked if ids.get(m, 0) != 1]
        self.assertEqual(missing, [])
        self.assertTrue(all(n == 1 for n in ids.values()), "a message was stored twice")
        print(f"\ncrash test: killed after {len(acked)} acknowledged of {self.TOTAL} planned "
              f"(target {kill_at}) in {elapsed:.1f}s; {len(ids)} stored", file=sys.stderr)
        # Still working after the restart.
        s = roost.smtp()
        s.sendmail("a@remote.test", [DEMO], message())
        s.quit()


if __name__ == "__main__":
    SMTPD, ROOSTCTL, TLS_DIR = sys.argv[1], sys.argv[2], sys.argv[3]
    unittest.main(argv=[sys.argv[0]] + sys.argv[4:], verbosity=2)
