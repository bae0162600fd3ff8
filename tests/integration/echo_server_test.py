#!/usr/bin/python3
"""Integration tests of common/net through echo_server: plain, STARTTLS, implicit TLS, limits,
timeouts, backpressure, graceful stop and certificate reload, over loopback only.

Usage: echo_server_test.py ECHO_SERVER TLS_DATA_DIR [unittest arguments]
"""
import os
import select
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest

ECHO_SERVER = None
TLS_DIR = None


class Client:
    """A line-oriented client over a plain or TLS socket, every read bounded by a timeout."""

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
        return line.rstrip(b"\r").decode("latin-1")

    def line_plain_unbuffered(self):
        """Reads one line byte by byte, so no byte after it (a TLS record) is consumed."""
        out = b""
        while not out.endswith(b"\n"):
            b = self.sock.recv(1)
            if not b:
                raise EOFError("connection closed")
            out += b
        return out.rstrip(b"\r\n").decode("latin-1")

    def expect_eof(self):
        self.buf = b""
        while True:
            try:
                chunk = self.sock.recv(65536)
            except (ConnectionResetError, ssl.SSLError):
                return
            if not chunk:
                return

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class EchoServer:
    def __init__(self, test, listeners, *flags, cert="server"):
        self.test = test
        self.tmp = tempfile.mkdtemp(prefix="roost-echo-")
        test.addCleanup(shutil.rmtree, self.tmp, True)
        self.cert = os.path.join(self.tmp, "cert.pem")
        self.key = os.path.join(self.tmp, "cert.key")
        self.install_cert(cert)
        args = [ECHO_SERVER, "--cert", self.cert, "--key", self.key]
        for listener in listeners:
            args += ["--listen", listener]
        args += [str(f) for f in flags]
        self.log_path = os.path.join(self.tmp, "server.log")
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.log)
        test.addCleanup(self.kill)
        ready, _, _ = select.select([self.proc.stdout], [], [], 20)
        if not ready:
            raise AssertionError("echo_server did not print its ports in time")
        first = self.proc.stdout.readline().decode().split()
        if not first or first[0] != "listening":
            raise AssertionError("echo_server failed to start: %s" % self.log_text())
        self.ports = [int(p) for p in first[1:]]

    def install_cert(self, name):
        shutil.copyfile(os.path.join(TLS_DIR, name + ".pem"), self.cert)
        shutil.copyfile(os.path.join(TLS_DIR, name + ".key"), self.key)

    def log_text(self):
        self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode("latin-1")

    def rss_kb(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise AssertionError("no VmRSS")

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self.proc.stdout.close()
        self.log.close()

    def connect(self, index=0, family=socket.AF_INET, host="127.0.0.1", timeout=10):
        sock = socket.create_connection((host, self.ports[index]), timeout=timeout)
        return self.track(Client(sock))

    def track(self, client):
        self.test.addCleanup(client.close)
        return client

    def connect_tls(self, index=0, timeout=10):
        sock = socket.create_connection(("127.0.0.1", self.ports[index]), timeout=timeout)
        return self.track(Client(tls_context().wrap_socket(sock, server_hostname="localhost")))


def tls_context():
    ctx = ssl.create_default_context(cafile=os.path.join(TLS_DIR, "ca.pem"))
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def organization(client):
    cert = client.sock.getpeercert()
    for rdn in cert["subject"]:
        for key, value in rdn:
            if key == "organizationName":
                return value
    return None


class EchoServerTest(unittest.TestCase):
    def test_plain_echo(self):
        server = EchoServer(self, ["127.0.0.1:0,plain"])
        c = server.connect()
        self.assertEqual(c.line(), "220 echo ready")
        c.send(b"ECHO hello\r\nECHO bare lf\nINFO\r\n")
        self.assertEqual(c.line(), "hello")
        self.assertEqual(c.line(), "bare lf")
        self.assertIn("tls=no", c.line())
        c.send(b"QUIT\r\n")
        self.assertEqual(c.line(), "221 bye")
        c.expect_eof()
        c.close()

    def test_literal_and_message_data(self):
        server = EchoServer(self, ["127.0.0.1:0,plain"])
        c = server.connect()
        c.line()
        c.send(b"LITERAL 7\r\nab\r\ncd\nECHO after literal\r\n")
        self.assertEqual(c.line(), "LITERAL got 7")
        self.assertEqual(c.line(), "after literal")
        c.send(b"DATA\r\n")
        self.assertEqual(c.line(), "354 go ahead")
        for piece in (b"Subject: x\r\n\r\nbody\r", b"\n.", b"\r\nECHO after data\r\n"):
            c.send(piece)
            time.sleep(0.05)
        self.assertEqual(c.line(), "250 got 20")  # "Subject: x\r\n\r\nbody\r\n"
        self.assertEqual(c.line(), "after data")

    def test_starttls_discards_pipelined_plaintext(self):
        server = EchoServer(self, ["127.0.0.1:0,starttls"])
        c = server.connect()
        self.assertEqual(c.line(), "220 echo ready")
        # CVE-2011-0411: a command sent in the same packet as STARTTLS must not run after the handshake.
        c.send(b"STARTTLS\r\nECHO injected\r\n")
        self.assertEqual(c.line_plain_unbuffered(), "220 2.0.0 go ahead")
        tls = server.track(Client(tls_context().wrap_socket(c.sock, server_hostname="localhost")))
        tls.send(b"ECHO after\r\nINFO\r\n")
        self.assertEqual(tls.line(), "after")
        info = tls.line()
        self.assertIn("tls=yes", info)
        self.assertIn("version=TLSv1.", info)
        tls.send(b"STARTTLS\r\n")
        self.assertTrue(tls.line().startswith("454"))
        tls.send(b"QUIT\r\n")
        self.assertEqual(tls.line(), "221 bye")
        tls.close()
        deadline = time.time() + 5
        while "plaintext after STARTTLS discarded" not in server.log_text() and time.time() < deadline:
            time.sleep(0.05)
        self.assertIn("bytes=15", server.log_text())
        self.assertNotIn("injected", server.log_text())

    def test_starttls_refused_on_plain_listener(self):
        server = EchoServer(self, ["127.0.0.1:0,plain"])
        c = server.connect()
        c.line()
        c.send(b"STARTTLS\r\nECHO still plain\r\n")
        self.assertTrue(c.line().startswith("454"))
        self.assertEqual(c.line(), "still plain")

    def test_implicit_tls(self):
        server = EchoServer(self, ["127.0.0.1:0,tls"])
        c = server.connect_tls()
        self.assertEqual(c.line(), "220 echo ready")
        self.assertEqual(organization(c), "Roost")
        c.send(b"ECHO secret\r\nINFO\r\n")
        self.assertEqual(c.line(), "secret")
        self.assertIn("tls=yes", c.line())
        c.send(b"QUIT\r\n")
        self.assertEqual(c.line(), "221 bye")
        c.close()
        # A client that never completes the handshake is closed at the handshake timeout.
        server2 = EchoServer(self, ["127.0.0.1:0,tls"], "--handshake-ms", 300)
        raw = server2.connect()
        raw.sock.settimeout(5)
        start = time.time()
        raw.expect_eof()
        self.assertLess(time.time() - start, 4)

    def test_ipv6_loopback(self):
        try:
            probe = socket.socket(socket.AF_INET6)
            probe.bind(("::1", 0))
            probe.close()
        except OSError:
            self.skipTest("no IPv6 loopback")
        server = EchoServer(self, ["[::1]:0,plain", "127.0.0.1:0,plain"])
        c = server.track(Client(socket.create_connection(("::1", server.ports[0]), timeout=10)))
        self.assertEqual(c.line(), "220 echo ready")
        c.send(b"INFO\r\n")
        self.assertIn("peer=[::1]:", c.line())

    def test_megabyte_line(self):
        server = EchoServer(self, ["127.0.0.1:0,plain"], "--max-line", 1000)
        c = server.connect()
        c.line()
        c.send(b"ECHO " + b"a" * (1024 * 1024) + b"\r\nECHO next\r\n")
        self.assertEqual(c.line(), "500 5.5.2 line too long")
        self.assertEqual(c.line(), "next")
        c.send(b"ECHO fine\r\n")
        self.assertEqual(c.line(), "fine")

    def test_idle_timeout(self):
        server = EchoServer(self, ["127.0.0.1:0,plain"], "--idle-ms", 300)
        c = server.connect()
        self.assertEqual(c.line(), "220 echo ready")
        start = time.time()
        self.assertEqual(c.line(), "421 4.4.2 idle timeout")
        self.assertLess(time.time() - start, 5)
        c.expect_eof()

    def test_non_reading_client_bounded_memory(self):
        server = EchoServer(self, ["127.0.0.1:0,plain"])
        c = server.connect()
        c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
        c.line()
        c.send(b"ECHO warm\r\n")
        c.line()
        before = server.rss_kb()
        total = 50 * 1024 * 1024
        c.send(b"FLOOD %d\r\n" % total)
        peak = before
        for _ in range(20):
            time.sleep(0.1)
            peak = max(peak, server.rss_kb())
        growth_kb = peak - before
        print("\nnon-reading client, FLOOD 50 MB: server VmRSS before=%d kB peak=%d kB growth=%d kB"
              % (before, peak, growth_kb))
        self.assertLess(growth_kb, 16 * 1024)
        # The server still serves others while this client does not read.
        other = server.connect()
        other.line()
        other.send(b"ECHO alive\r\n")
        self.assertEqual(other.line(), "alive")
        # Now read everything: the producer resumes on drain and completes.
        received = len(c.buf)
        c.buf = b""
        tail = b""
        while not tail.endswith(b"FLOOD done\r\n"):
            chunk = c.sock.recv(1 << 20)
            self.assertTrue(chunk)
            received += len(chunk)
            tail = (tail + chunk)[-64:]
        self.assertEqual(received, total + len(b"\r\nFLOOD done\r\n"))

    def test_per_ip_connection_limit(self):
        server = EchoServer(self, ["127.0.0.1:0,plain"], "--max-per-ip", 2)
        a = server.connect()
        b = server.connect()
        self.assertEqual(a.line(), "220 echo ready")
        self.assertEqual(b.line(), "220 echo ready")
        third = server.connect()
        self.assertEqual(third.line(), "421 4.7.0 Too many connections")
        third.expect_eof()
        third.close()
        a.send(b"QUIT\r\n")
        a.line()
        a.expect_eof()
        a.close()
        deadline = time.time() + 5
        while True:
            again = server.connect()
            first = again.line()
            if first == "220 echo ready" or time.time() > deadline:
                break
            again.close()
            time.sleep(0.05)
        self.assertEqual(first, "220 echo ready")

    def test_graceful_stop_with_session_in_flight(self):
        server = EchoServer(self, ["127.0.0.1:0,plain"], "--stop-deadline-ms", 10000)
        busy = server.connect()
        busy.line()
        idle = server.connect()
        idle.line()
        busy.send(b"HOLD 1500\r\n")
        time.sleep(0.2)
        start = time.time()
        server.proc.send_signal(signal.SIGTERM)
        # An idle session is told at once; new connections are refused.
        self.assertEqual(idle.line(), "421 4.3.2 shutting down")
        idle.expect_eof()
        idle.close()
        refused = False
        deadline = time.time() + 2
        while time.time() < deadline:
            try:
                s = socket.create_connection(("127.0.0.1", server.ports[0]), timeout=1)
                s.close()
                time.sleep(0.05)
            except ConnectionRefusedError:
                refused = True
                break
        self.assertTrue(refused)
        # The session in flight finishes its exchange, then is closed.
        self.assertEqual(busy.line(), "HELD")
        self.assertEqual(busy.line(), "421 4.3.2 shutting down")
        busy.expect_eof()
        busy.close()
        self.assertEqual(server.proc.wait(10), 0)
        self.assertLess(time.time() - start, 8)

    def test_graceful_stop_deadline(self):
        server = EchoServer(self, ["127.0.0.1:0,plain"], "--stop-deadline-ms", 500)
        c = server.connect()
        c.line()
        c.send(b"HOLD 60000\r\n")
        time.sleep(0.2)
        start = time.time()
        server.proc.send_signal(signal.SIGTERM)
        c.expect_eof()
        self.assertEqual(server.proc.wait(10), 0)
        self.assertLess(time.time() - start, 5)
        self.assertIn("stop deadline reached", server.log_text())

    def test_stop_with_tls_sessions_open(self):
        # TLS sessions in every state when the stop comes: one holding, one flooding a client that does
        # not read, one in the middle of its handshake. All are closed by the deadline and the process
        # exits 0 (under the sanitizer build, a leak would make the exit code non-zero).
        server = EchoServer(self, ["127.0.0.1:0,tls", "127.0.0.1:0,starttls"], "--stop-deadline-ms", 800)
        holding = server.connect_tls(0)
        holding.line()
        holding.send(b"HOLD 30000\r\n")
        flooded = server.connect(1)
        flooded.line()
        flooded.send(b"STARTTLS\r\n")
        self.assertEqual(flooded.line_plain_unbuffered(), "220 2.0.0 go ahead")
        flooded = server.track(Client(tls_context().wrap_socket(flooded.sock, server_hostname="localhost")))
        flooded.send(b"FLOOD 50000000\r\n")
        handshaking = server.connect(0)
        handshaking.send(b"\x16\x03\x01")
        time.sleep(0.5)
        start = time.time()
        server.proc.send_signal(signal.SIGTERM)
        self.assertEqual(server.proc.wait(10), 0, server.log_text()[-3000:])
        self.assertLess(time.time() - start, 5)

    def test_sighup_reloads_certificate(self):
        server = EchoServer(self, ["127.0.0.1:0,tls"])
        old = server.connect_tls()
        self.assertEqual(old.line(), "220 echo ready")
        self.assertEqual(organization(old), "Roost")
        server.install_cert("server2")
        server.proc.send_signal(signal.SIGHUP)
        deadline = time.time() + 5
        while "TLS certificate reloaded" not in server.log_text():
            self.assertLess(time.time(), deadline, server.log_text())
            time.sleep(0.05)
        new = server.connect_tls()
        self.assertEqual(new.line(), "220 echo ready")
        self.assertEqual(organization(new), "Roost Reloaded")
        # The session opened before the reload keeps its TLS session.
        old.send(b"ECHO still here\r\n")
        self.assertEqual(old.line(), "still here")
        # A failed reload keeps the previous certificate.
        with open(server.cert, "w") as f:
            f.write("not a certificate\n")
        server.proc.send_signal(signal.SIGHUP)
        deadline = time.time() + 5
        while "reload failed" not in server.log_text():
            self.assertLess(time.time(), deadline, server.log_text())
            time.sleep(0.05)
        third = server.connect_tls()
        self.assertEqual(third.line(), "220 echo ready")
        self.assertEqual(organization(third), "Roost Reloaded")
        self.assertIn("level=error", server.log_text())


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    ECHO_SERVER, TLS_DIR = sys.argv[1], sys.argv[2]
    unittest.main(argv=[sys.argv[0]] + sys.argv[3:], verbosity=2)
