#!/usr/bin/python3
"""Our JSEP core (gst-rtc-jsep) against the golden SDP corpus in
tests/files/sdp/: every offer that a real stack produced (or that models
one) gets an answer, and every malformed file is refused with the line
number of its defect. Needs no network peer; runs in the same loopback-only
namespace as the other interop tests.
"""

import glob
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sdp_interop  # noqa: E402
from sdp_interop import SDP_FILES, SdpAssertions, parse, require_loopback_namespace  # noqa: E402


def golden_offers():
    return sorted(glob.glob(os.path.join(SDP_FILES, "*.offer.sdp")))


def malformed_cases():
    """(file name, expected line) from malformed/EXPECTED."""
    cases = []
    with open(os.path.join(SDP_FILES, "malformed", "EXPECTED")) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                name, line_no, _why = line.rstrip("\n").split("\t", 2)
                cases.append((name, int(line_no)))
    return cases


def read(path):
    with open(path, "rb") as f:
        return f.read().decode("latin-1")


def method_name(file_name):
    return "test_" + re.sub(r"[^0-9a-zA-Z]+", "_", file_name.rsplit(".", 1)[0])


@require_loopback_namespace
class GoldenOffers(SdpAssertions, unittest.TestCase):
    """Each *.offer.sdp in the corpus is one test: our core answers it."""

    def setUp(self):
        self.tool = sdp_interop.tool_or_skip(self)

    def test_corpus_present(self):
        self.assertGreaterEqual(len(golden_offers()), 10, f"golden offers missing in {SDP_FILES}")

    def check_offer(self, path):
        name = os.path.basename(path)
        offer_text = read(path)
        proc = self.tool.answer(offer_text)
        self.assertEqual(proc.returncode, 0, f"{name}: our core refused the offer: {proc.stderr}")
        offer, answer = parse(offer_text), parse(proc.stdout)
        self.assert_answer_matches_offer(offer, answer, name)
        accepted = [m for m in answer.media if not m.rejected]
        self.assertTrue(accepted, f"{name}: every m-line rejected")
        self.assertIsNone(answer.session_value("ice-lite"), f"{name}: our full ICE agent must not answer ice-lite")
        for om, am in zip(offer.media, answer.media):
            simulcast = am.value("simulcast")
            if simulcast is not None:
                self.assertTrue(
                    om.value("simulcast") and simulcast.split()[0] == "recv",
                    f"{name}: mid {am.mid} answers a=simulcast:{simulcast} to a send offer",
                )
        for m in accepted:
            self.assertTrue(m.value("ice-ufrag") or answer.session_value("ice-ufrag"), f"{name}: no ice-ufrag")
            self.assertTrue(m.value("ice-pwd") or answer.session_value("ice-pwd"), f"{name}: no ice-pwd")
            self.assertTrue(m.value("fingerprint") or answer.session_value("fingerprint"), f"{name}: no fingerprint")


@require_loopback_namespace
class MalformedOffers(unittest.TestCase):
    """Each file in malformed/EXPECTED is one test: refused, with its line."""

    def setUp(self):
        self.tool = sdp_interop.tool_or_skip(self)

    def test_cases_present(self):
        self.assertGreaterEqual(len(malformed_cases()), 15)

    def check_malformed(self, name, line_no):
        proc = self.tool.answer(read(os.path.join(SDP_FILES, "malformed", name)))
        self.assertEqual(proc.returncode, 1, f"{name}: expected exit 1 (refused), got {proc.returncode}: {proc.stderr}")
        self.assertEqual(proc.stdout, "", f"{name}: no answer may be printed for a refused offer")
        self.assertRegex(proc.stderr, rf"\bline {line_no}\b", f"{name}: the error should name line {line_no}")


def _add_methods():
    for path in golden_offers():
        setattr(GoldenOffers, method_name(os.path.basename(path)), lambda self, p=path: self.check_offer(p))
    for name, line_no in malformed_cases():
        setattr(
            MalformedOffers,
            method_name("malformed-" + name),
            lambda self, n=name, ln=line_no: self.check_malformed(n, ln),
        )


_add_methods()


if __name__ == "__main__":
    unittest.main(verbosity=2)
