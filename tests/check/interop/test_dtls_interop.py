#!/usr/bin/python3
"""DTLS-SRTP interop: rtcdtlssrtpenc/rtcdtlssrtpdec against gst-plugins-bad's
dtlssrtpenc/dtlssrtpdec (a test peer only), both DTLS roles, over UDP on
127.0.0.1 inside a loopback-only network namespace (run-in-netns.sh).

gst-plugins-bad offers only SRTP_AES128_CM_SHA1_80 and checks no
fingerprint; we check its certificate against the sha-256 fingerprint of its
`pem`, and that its `peer-pem` is our certificate.
"""

import base64
import hashlib
import re
import struct
import time
import unittest

try:
    import gi

    gi.require_version("Gst", "1.0")
    gi.require_version("GstRtc", "1.0")
    from gi.repository import Gst, GstRtc

    Gst.init(None)
    missing = [
        name
        for name in ("dtlssrtpenc", "dtlssrtpdec", "udpsrc", "udpsink", "appsrc", "appsink")
        if Gst.ElementFactory.find(name) is None
    ]
    if missing:
        raise ImportError("missing elements: " + ", ".join(missing))
    if Gst.ElementFactory.find("rtcdtlssrtpenc") is None:
        raise ImportError("rtcdtlssrtpenc not built")
    IMPORT_ERROR = None
except (ImportError, ValueError) as e:
    IMPORT_ERROR = f"interop peer unavailable: {e}"

TIMEOUT = 10.0
RTP_CAPS = "application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000"


def fingerprint_of_pem(pem):
    """sha-256 fingerprint of the first certificate of a PEM text."""
    m = re.search(r"-----BEGIN CERTIFICATE-----(.+?)-----END CERTIFICATE-----", pem, re.S)
    der = base64.b64decode("".join(m.group(1).split()))
    digest = hashlib.sha256(der).hexdigest().upper()
    return "sha-256 " + ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def rtp_packet(seq, ssrc, size):
    header = struct.pack("!BBHII", 0x80, 96, seq & 0xFFFF, 3000 * seq, ssrc)
    return header + bytes((seq * 7 + i) & 0xFF for i in range(size))


def wait_for(predicate, timeout=TIMEOUT):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


class DtlsInterop(unittest.TestCase):
    def setUp(self):
        if IMPORT_ERROR:
            self.skipTest(IMPORT_ERROR)

    def run_pair(self, ours_client, port_base):
        ours_port, theirs_port = port_base, port_base + 1
        pipeline = Gst.parse_launch(
            # ours: appsrc -> rtcdtlssrtpenc -> udp; udp -> rtcdtlssrtpdec -> appsink
            f"appsrc name=our_src format=time caps={RTP_CAPS} ! rtcdtlssrtpenc name=our_enc "
            f"connection-id=ours-{port_base} is-client={'true' if ours_client else 'false'} "
            f"! udpsink host=127.0.0.1 port={theirs_port} sync=false async=false "
            f"udpsrc address=127.0.0.1 port={ours_port} ! rtcdtlssrtpdec name=our_dec "
            f"connection-id=ours-{port_base} "
            "our_dec.rtp_src ! appsink name=our_sink sync=false async=false emit-signals=false "
            # theirs (gst-plugins-bad)
            f"appsrc name=their_src format=time caps={RTP_CAPS} ! their_enc.rtp_sink_0 "
            f"dtlssrtpenc name=their_enc connection-id=theirs-{port_base} "
            f"is-client={'false' if ours_client else 'true'} "
            f"! udpsink host=127.0.0.1 port={ours_port} sync=false async=false "
            f"udpsrc address=127.0.0.1 port={theirs_port} ! dtlssrtpdec name=their_dec "
            f"connection-id=theirs-{port_base} "
            "their_dec.rtp_src ! appsink name=their_sink sync=false async=false emit-signals=false"
        )
        our_enc = pipeline.get_by_name("our_enc")
        our_dec = pipeline.get_by_name("our_dec")
        their_enc = pipeline.get_by_name("their_enc")
        their_dec = pipeline.get_by_name("their_dec")
        our_dec.set_property("remote-fingerprint", fingerprint_of_pem(their_dec.get_property("pem")))
        transport = our_enc.get_property("transport")
        states = []
        transport.connect("notify::state", lambda t, _p: states.append(t.get_property("state")))
        errors = []
        transport.connect("on-error", lambda _t, err: errors.append(err))
        keys = []
        their_enc.connect("on-key-set", lambda _e: keys.append(True))

        bus = pipeline.get_bus()
        try:
            self.assertNotEqual(pipeline.set_state(Gst.State.PLAYING), Gst.StateChangeReturn.FAILURE)
            ok = wait_for(
                lambda: transport.get_property("state") == GstRtc.DtlsTransportState.CONNECTED
                and their_dec.get_property("connection-state").value_nick == "connected"
                and keys
            )
            msg = bus.pop_filtered(Gst.MessageType.ERROR)
            self.assertIsNone(msg, msg and msg.parse_error())
            self.assertTrue(ok, f"no handshake: ours {states}, errors {errors}")
            self.assertEqual(errors, [])
            self.assertEqual(states[0], GstRtc.DtlsTransportState.CONNECTING)
            self.assertEqual(states[-1], GstRtc.DtlsTransportState.CONNECTED)

            stats = our_enc.get_property("stats")
            self.assertEqual(stats.get_string("srtp-profile"), "SRTP_AES128_CM_SHA1_80")
            # Their view of our certificate is ours.
            our_pem = our_enc.get_property("certificate")
            self.assertEqual(fingerprint_of_pem(their_dec.get_property("peer-pem")), fingerprint_of_pem(our_pem))
            self.assertEqual(our_enc.get_property("fingerprint"), fingerprint_of_pem(our_pem))
            self.assertEqual(
                fingerprint_of_pem(transport.get_property("remote-certificate")),
                fingerprint_of_pem(their_dec.get_property("pem")),
            )

            for src_name, sink_name, ssrc in (
                ("our_src", "their_sink", 0x1234),
                ("their_src", "our_sink", 0x5678),
            ):
                src = pipeline.get_by_name(src_name)
                sink = pipeline.get_by_name(sink_name)
                sent = []
                for seq in range(1, 21):
                    pkt = rtp_packet(seq, ssrc, 100 + 40 * seq)
                    sent.append(pkt)
                    buf = Gst.Buffer.new_wrapped(pkt)
                    self.assertEqual(src.emit("push-buffer", buf), Gst.FlowReturn.OK)
                got = []
                end = time.monotonic() + TIMEOUT
                while len(got) < len(sent) and time.monotonic() < end:
                    sample = sink.emit("try-pull-sample", 100 * Gst.MSECOND)
                    if sample:
                        b = sample.get_buffer()
                        got.append(b.extract_dup(0, b.get_size()))
                self.assertEqual(got, sent, f"{src_name} -> {sink_name}: RTP bytes differ or lost")
            self.assertEqual(our_dec.get_property("stats").get_value("rtp-unprotected"), 20)
        finally:
            pipeline.set_state(Gst.State.NULL)

    def test_ours_client_theirs_server(self):
        self.run_pair(ours_client=True, port_base=41000)

    def test_theirs_client_ours_server(self):
        self.run_pair(ours_client=False, port_base=41010)


if __name__ == "__main__":
    unittest.main(verbosity=2)
