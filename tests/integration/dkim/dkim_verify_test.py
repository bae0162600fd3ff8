"""DKIM signatures made by Roost, verified by a third party: Debian's python3-dkim (dkimpy).

Keys come from the real `roostctl dkim keygen`; the public key a verifier sees is the TXT record that
`roostctl dns` prints, parsed back from its zone-file form. dkim_sign_tool signs the message files.

Usage: dkim_verify_test.py SIGN_TOOL ROOSTCTL [unittest arguments]
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import dkim

SIGN_TOOL = ROOSTCTL = None
RUN_TIMEOUT = 60  # seconds for one roostctl or signing run (an RSA keygen takes well under one)

# Messages with what real mail has: folded headers, trailing whitespace, empty lines at the end,
# 8-bit bodies (UTF-8 and Latin-1), headers that are not signed, repeated fields, no final CRLF.
MESSAGES = {
    "plain": (
        b"From: Alice <alice@{domain}>\r\n"
        b"To: Bob <bob@example.net>\r\n"
        b"Subject: Lunch\r\n"
        b"Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
        b"Message-ID: <lunch.1@{domain}>\r\n"
        b"\r\n"
        b"Shall we?\r\n"
    ),
    "folded_headers_and_trailing_whitespace": (
        b"Received: from client (client [127.0.0.1])\r\n\tby mail.test with ESMTPSA\r\n"
        b"From: \"Alice   Example\" \t <alice@{domain}>  \r\n"
        b"To: Bob <bob@example.net>,\r\n   Carol <carol@example.net>\r\n"
        b"Cc: dave@example.net\r\n"
        b"Subject:   A subject that is long enough to be folded over\r\n"
        b"  more than one line \t\r\n"
        b"Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
        b"Message-ID: <fold.1@{domain}>\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: text/plain;\r\n charset=\"us-ascii\"\r\n"
        b"X-Unsigned: anything\r\n"
        b"\r\n"
        b"Line with trailing spaces   \r\n"
        b"Line  with \t inner   whitespace\r\n"
        b"\r\n"
        b"\t\r\n"
        b"\r\n"
        b"\r\n"
    ),
    "eight_bit_bodies": (
        b"From: =?utf-8?q?J=C3=BCrgen?= <juergen@{domain}>\r\n"
        b"To: bob@example.net\r\n"
        b"Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n"
        b"Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n"
        b"\r\n"
        b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        b"Gr\xc3\xbc\xc3\x9fe aus K\xc3\xb6ln \xe2\x80\x94 \xf0\x9f\x8d\xba  \r\n"
        b"--b1\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        b"Gr\xfc\xdfe \xff\xfe\r\n"
        b"--b1--\r\n"
    ),
    "reply_with_threading_fields": (
        b"From: alice@{domain}\r\n"
        b"To: bob@example.net\r\n"
        b"To: second-to@example.net\r\n"
        b"Reply-To: list@{domain}\r\n"
        b"In-Reply-To: <orig@example.net>\r\n"
        b"References: <older@example.net>\r\n <orig@example.net>\r\n"
        b"Subject: Re: plans\r\n"
        b"\r\n"
        b"No final line end"
    ),
    "empty_body": (
        b"From: alice@{domain}\r\n"
        b"To: bob@example.net\r\n"
        b"Subject: nothing\r\n"
        b"\r\n"
    ),
}


def run(args, check=True, **kwargs):
    result = subprocess.run(args, capture_output=True, timeout=RUN_TIMEOUT, **kwargs)
    if check and result.returncode != 0:
        raise AssertionError(f"{args} exited {result.returncode}: {result.stderr.decode(errors='replace')}")
    return result


def txt_records_from_zone(text):
    """{owner name: joined text} for the TXT lines of `roostctl dns` (zone-file syntax)."""
    records = {}
    for line in text.splitlines():
        if line.startswith(";") or " IN TXT " not in line:
            continue
        owner = line.split()[0].rstrip(".").lower()
        strings = re.findall(r'"((?:[^"\\]|\\.)*)"', line.split(" IN TXT ", 1)[1])
        for s in strings:
            assert len(s.encode()) <= 255, "a zone-file string holds at most 255 bytes"
        records[owner] = "".join(re.sub(r"\\(.)", r"\1", s) for s in strings)
    return records


class DkimVerifyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="roost-dkim-")
        cls.config = os.path.join(cls.tmp, "roost.toml")
        cls.data = os.path.join(cls.tmp, "data")
        run([ROOSTCTL, "init", "--config", cls.config, "--data-dir", cls.data, "--hostname", "mail.test"])
        cls.dns = {}
        cls.domains = {"rsa": "rsa.example", "ed25519": "ed.example"}
        for algorithm, domain in cls.domains.items():
            run([ROOSTCTL, "--config", cls.config, "domain", "add", domain])
            run([ROOSTCTL, "--config", cls.config, "dkim", "keygen", domain, "--algorithm", algorithm])
            zone = run([ROOSTCTL, "--config", cls.config, "dns", domain]).stdout.decode()
            cls.dns.update(txt_records_from_zone(zone))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def dnsfunc(self, name, timeout=5):
        key = name.decode().rstrip(".").lower() if isinstance(name, bytes) else name.rstrip(".").lower()
        value = self.dns.get(key)
        return value.encode() if value is not None else None

    def sign(self, domain, message, chunk=None):
        path = os.path.join(self.tmp, "message.eml")
        with open(path, "wb") as f:
            f.write(message)
        args = [SIGN_TOOL, self.data, domain, path] + ([str(chunk)] if chunk else [])
        return run(args).stdout

    def verify(self, signed):
        return dkim.verify(signed, dnsfunc=self.dnsfunc)

    def check_all_messages_verify(self, algorithm):
        domain = self.domains[algorithm]
        for name, template in MESSAGES.items():
            with self.subTest(message=name):
                message = template.replace(b"{domain}", domain.encode())
                signed = self.sign(domain, message)
                self.assertTrue(signed.startswith(b"DKIM-Signature: v=1; a=" + algorithm.encode() + b"-sha256;"))
                self.assertTrue(signed.endswith(message), "the message follows the field unchanged")
                self.assertTrue(self.verify(signed), f"dkimpy refused the signature of {name}:\n{signed[:600]!r}")
                sig = dkim.DKIM(signed)
                self.assertTrue(sig.verify(dnsfunc=self.dnsfunc))
                self.assertEqual(sig.domain, domain.encode())
                self.assertIn(b"from", [h.lower() for h in sig.include_headers])
                self.assertEqual([h.lower() for h in sig.include_headers].count(b"from"), 2, "From is over-signed")

    def test_rsa_signatures_verify(self):
        self.check_all_messages_verify("rsa")

    def test_ed25519_signatures_verify(self):
        self.check_all_messages_verify("ed25519")

    def test_changed_messages_fail_verification(self):
        for algorithm, domain in self.domains.items():
            with self.subTest(algorithm=algorithm):
                message = MESSAGES["folded_headers_and_trailing_whitespace"].replace(b"{domain}", domain.encode())
                signed = self.sign(domain, message)
                self.assertTrue(self.verify(signed))
                self.assertFalse(self.verify(signed.replace(b"Line with trailing", b"Line with leading")))
                self.assertFalse(self.verify(signed.replace(b"Subject:   A subject", b"Subject:   B subject")))
                # Whitespace changes on the way are what relaxed canonicalisation forgives.
                self.assertTrue(self.verify(signed.replace(b"inner   whitespace", b"inner whitespace")))
                # The record of another key in the place of the right one fails.
                real = dict(self.dns)
                try:
                    own = next(n for n in self.dns if n.endswith("._domainkey." + domain))
                    other = next(n for n in self.dns if "._domainkey." in n and n != own)
                    self.dns[own] = self.dns[other]
                    # dkimpy lets nacl's ValueError out when an RSA signature meets an Ed25519 key.
                    try:
                        accepted = self.verify(signed)
                    except ValueError:
                        accepted = False
                    self.assertFalse(accepted)
                finally:
                    self.dns = real

    def test_added_from_fails_verification(self):
        domain = self.domains["rsa"]
        message = MESSAGES["plain"].replace(b"{domain}", domain.encode())
        signed = self.sign(domain, message)
        self.assertTrue(self.verify(signed))
        field_end = signed.index(b"\r\nFrom: ") + 2
        tampered = signed[:field_end] + b"From: Mallory <boss@" + domain.encode() + b">\r\n" + signed[field_end:]
        self.assertFalse(self.verify(tampered))

    def test_bare_lf_message_verifies_in_its_crlf_form(self):
        for algorithm, domain in self.domains.items():
            with self.subTest(algorithm=algorithm):
                crlf = MESSAGES["folded_headers_and_trailing_whitespace"].replace(b"{domain}", domain.encode())
                signed = self.sign(domain, crlf.replace(b"\r\n", b"\n"))
                field = signed[: signed.index(b"Received:")]
                self.assertTrue(field.endswith(b"\r\n"))
                self.assertTrue(self.verify(field + crlf))

    def test_large_message_signed_in_chunks_verifies(self):
        for algorithm, domain in self.domains.items():
            with self.subTest(algorithm=algorithm):
                line = b"0123456789 abcdefghij \xc3\xa4\xc3\xb6\xc3\xbc  \t\r\n"
                body = line * (3 * 1024 * 1024 // len(line)) + b"\r\n\r\n"
                message = (b"From: alice@" + domain.encode() + b"\r\nTo: bob@example.net\r\nSubject: big\r\n\r\n"
                           + body)
                for chunk in (1, 4096, 65536):
                    signed = self.sign(domain, message, chunk=chunk)
                    self.assertTrue(self.verify(signed), f"chunk size {chunk}")


if __name__ == "__main__":
    SIGN_TOOL, ROOSTCTL = sys.argv[1], sys.argv[2]
    unittest.main(argv=[sys.argv[0]] + sys.argv[3:], verbosity=2)
