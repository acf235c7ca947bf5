"""Helpers shared by the SDP interop tests.

A deliberately small SDP reader (only what the tests assert on: m-lines,
mids, directions, payload types, rtpmaps, BUNDLE, setup) kept independent of
our C++ parser, so a parser bug cannot hide itself; a wrapper around the
`gst-rtc-jsep` tool; and the guard that keeps every test inside a
loopback-only network namespace.
"""

import os
import re
import socket
import subprocess
import tempfile
import unittest
from dataclasses import dataclass, field

DIRECTIONS = ("sendrecv", "sendonly", "recvonly", "inactive")
REVERSE = {"sendrecv": "sendrecv", "sendonly": "recvonly", "recvonly": "sendonly", "inactive": "inactive"}

SOURCE_ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
SDP_FILES = os.path.join(
    os.environ.get("GST_RTC_TEST_FILES", os.path.join(SOURCE_ROOT, "tests", "files")), "sdp"
)


@dataclass
class Media:
    kind: str
    port: int
    proto: str
    formats: list
    attrs: list = field(default_factory=list)  # (name, value or None), in order

    def values(self, name):
        return [v for n, v in self.attrs if n == name]

    def value(self, name):
        vals = self.values(name)
        return vals[0] if vals else None

    @property
    def mid(self):
        return self.value("mid")

    @property
    def direction(self):
        found = [n for n, _ in self.attrs if n in DIRECTIONS]
        return found[0] if found else None

    @property
    def rejected(self):
        return self.port == 0

    @property
    def is_rtp(self):
        return "RTP/" in self.proto

    def rtpmaps(self):
        """pt (int) -> 'name/clock[/channels]' with the name lower-cased."""
        out = {}
        for v in self.values("rtpmap"):
            pt, _, enc = v.partition(" ")
            name, _, rest = enc.partition("/")
            out[int(pt)] = f"{name.lower()}/{rest}"
        return out

    def payload_types(self):
        return [int(f) for f in self.formats] if self.is_rtp else []


@dataclass
class Sdp:
    session_attrs: list
    media: list
    text: str

    def session_value(self, name):
        for n, v in self.session_attrs:
            if n == name:
                return v
        return None

    def bundle(self):
        for n, v in self.session_attrs:
            if n == "group" and v.split()[0] == "BUNDLE":
                return v.split()[1:]
        return None

    def mids(self):
        return [m.mid for m in self.media]

    def setup(self, m):
        return m.value("setup") or self.session_value("setup")


def parse(text):
    session, media = [], []
    for raw in text.replace("\r\n", "\n").split("\n"):
        if not raw:
            continue
        if len(raw) < 2 or raw[1] != "=":
            raise ValueError(f"not an SDP line: {raw!r}")
        kind, value = raw[0], raw[2:]
        if kind == "m":
            parts = value.split()
            media.append(Media(parts[0], int(parts[1].split("/")[0]), parts[2], parts[3:]))
        elif kind == "a":
            name, sep, val = value.partition(":")
            (media[-1].attrs if media else session).append((name, val if sep else None))
    return Sdp(session, media, text)


def only_loopback():
    """True inside a network namespace whose only interface is lo."""
    return [name for _, name in socket.if_nameindex()] == ["lo"]


def require_loopback_namespace(test_case_class):
    """Every test here talks to real WebRTC stacks that gather candidates:
    refuse to run unless the namespace holds only loopback (the meson wrapper
    run-in-netns.sh makes one)."""
    if only_loopback() or os.environ.get("GST_RTC_INTEROP_ALLOW_HOST_NETWORK") == "1":
        return test_case_class
    return unittest.skip("not in a loopback-only network namespace (run through run-in-netns.sh)")(
        test_case_class
    )


class JsepTool:
    """The gst-rtc-jsep command line tool: our JSEP core as a process."""

    def __init__(self, path):
        self.path = path

    @classmethod
    def from_env(cls):
        path = os.environ.get("GST_RTC_JSEP_TOOL")
        if not path:
            return None
        return cls(path)

    def run(self, args, stdin_text=None, timeout=30):
        return subprocess.run(
            [self.path, *args], input=stdin_text, capture_output=True, text=True, timeout=timeout
        )

    def offer(self, audio=False, video=False, data=False):
        args = ["offer"] + (["--audio"] if audio else []) + (["--video"] if video else [])
        args += ["--data"] if data else []
        proc = self.run(args)
        if proc.returncode != 0:
            raise AssertionError(f"gst-rtc-jsep {' '.join(args)} failed ({proc.returncode}): {proc.stderr}")
        return proc.stdout

    def answer(self, offer_text):
        """CompletedProcess of `answer`: stdout is the answer on success."""
        return self.run(["answer"], stdin_text=offer_text)

    def check_answer(self, offer_text, answer_text):
        with tempfile.NamedTemporaryFile("w", suffix=".offer.sdp", newline="", delete=False) as f:
            f.write(offer_text)
            offer_path = f.name
        try:
            return self.run(["check-answer", offer_path], stdin_text=answer_text)
        finally:
            os.unlink(offer_path)


def tool_or_skip(test_case):
    tool = JsepTool.from_env()
    if tool is None:
        test_case.skipTest("GST_RTC_JSEP_TOOL is not set (meson sets it to the built gst-rtc-jsep)")
    return tool


SUMMARY_RE = re.compile(r"^mid (\S+) (\S+)(?: (\S+))?")


def summary_lines(stdout):
    """check-answer's negotiated summary: mid -> (kind, rest of the words)."""
    out = {}
    for line in stdout.splitlines():
        m = SUMMARY_RE.match(line.strip())
        if m:
            out[m.group(1)] = line.strip().split()[2:]
    return out


class SdpAssertions:
    """Mixin for unittest.TestCase: checks an answer against its offer."""

    def assert_answer_matches_offer(self, offer, answer, who="answer"):
        self.assertEqual(
            len(answer.media), len(offer.media), f"{who}: the answer must have one m-line per offered m-line"
        )
        self.assertEqual(answer.mids(), offer.mids(), f"{who}: the answer must keep the offer's mids in order")
        for om, am in zip(offer.media, answer.media):
            self.assertEqual(am.kind, om.kind, f"{who}: mid {om.mid} changed media kind")
            if am.rejected:
                continue
            self.assertEqual(am.proto, om.proto, f"{who}: mid {am.mid} must answer with the offered proto")
            if am.kind == "application" and am.proto.endswith("DTLS/SCTP"):
                if am.proto == "DTLS/SCTP":  # pre-RFC 8841 form: m=application <port> DTLS/SCTP 5000
                    self.assertTrue(am.values("sctpmap"), f"{who}: mid {am.mid} legacy SCTP without a=sctpmap")
                else:
                    self.assertTrue(
                        (am.value("sctp-port") or "").isdigit(), f"{who}: mid {am.mid} without a=sctp-port"
                    )
            if not am.is_rtp:
                continue
            offered = om.rtpmaps()
            static = {0: "pcmu/8000", 8: "pcma/8000", 9: "g722/8000"}
            self.assertTrue(am.payload_types(), f"{who}: mid {am.mid} accepted with no payload type")
            for pt in am.payload_types():
                self.assertIn(
                    pt, om.payload_types(), f"{who}: mid {am.mid} answers payload type {pt} that was not offered"
                )
                mine = am.rtpmaps().get(pt, static.get(pt))
                theirs = offered.get(pt, static.get(pt))
                if mine and theirs:
                    self.assertEqual(
                        mine.split("/")[:2],
                        theirs.split("/")[:2],
                        f"{who}: mid {am.mid} pt {pt} names another codec than the offer",
                    )
            if om.direction is not None or am.direction is not None:
                offered_dir = om.direction or "sendrecv"
                answered_dir = am.direction or "sendrecv"
                # The answerer may only narrow the reverse of the offer.
                allowed = {
                    "sendrecv": set(DIRECTIONS),
                    "sendonly": {"recvonly", "inactive"},
                    "recvonly": {"sendonly", "inactive"},
                    "inactive": {"inactive"},
                }[offered_dir]
                self.assertIn(answered_dir, allowed, f"{who}: mid {am.mid} answers {answered_dir} to {offered_dir}")
        for m in answer.media:
            if not m.rejected:
                self.assertIn(answer.setup(m), ("active", "passive"), f"{who}: mid {m.mid} a=setup in an answer")

    def assert_check_answer_accepts(self, proc, answer, answer_text, peer):
        """`gst-rtc-jsep check-answer` accepted `answer` and summarised every
        m-line with its kind and, for RTP, our side's negotiated direction."""
        self.assertEqual(proc.returncode, 0, f"our core rejected {peer}'s answer: {proc.stderr}\n{answer_text}")
        lines = proc.stdout.splitlines()
        self.assertTrue(lines and lines[0].strip() == "ok", f"check-answer printed {proc.stdout!r}")
        summary = summary_lines(proc.stdout)
        for m in answer.media:
            self.assertIn(m.mid, summary, f"check-answer has no summary line for mid {m.mid}")
            words = summary[m.mid]
            kinds = ("data", "application") if m.kind == "application" else (m.kind,)
            self.assertIn(words[0], kinds, f"check-answer: mid {m.mid} kind")
            if m.is_rtp and not m.rejected:
                self.assertEqual(
                    words[1], REVERSE[m.direction or "sendrecv"], f"check-answer: our direction for mid {m.mid}"
                )
