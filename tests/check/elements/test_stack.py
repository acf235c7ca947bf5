#!/usr/bin/env python3
# The transport stack rtcpeerbin will wire, built by hand from our elements
# for two peers in one process, everything on 127.0.0.1:
#
#   appsrc(RTP) -> rtcdtlssrtpenc.rtp_sink_0
#   rtcsctpenc.src -> rtcdtlssrtpenc.data_sink
#   rtcdtlssrtpenc.src -> rtcicesink            ... loopback UDP ...
#   rtcicesrc -> rtcdtlssrtpdec.sink
#   rtcdtlssrtpdec.rtp_src -> appsink ; .data_src -> rtcsctpdec.sink
#
# Signalling (ICE credentials, candidates, DTLS fingerprints) is exchanged
# in-process, the way an application or rtcpeerbin does it. What a user
# notices: ICE and DTLS reach connected on both sides, a data channel opens
# and carries messages both ways, RTP arrives decrypted and intact, and a
# wrong fingerprint fails the DTLS transport with FINGERPRINT_FAILURE
# without delivering anything.
import itertools
import os
import sys
import unittest

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstApp", "1.0")
gi.require_version("GstRtc", "1.0")
from gi.repository import GLib, Gst, GstApp, GstRtc  # noqa: E402

Gst.init(None)

_ids = itertools.count(1)


def need(factory):
    if Gst.ElementFactory.find(factory) is None:
        raise unittest.SkipTest(f"{factory} is not built")


def rtp_packet(seq, payload_len=160):
    header = bytes([0x80, 96, (seq >> 8) & 0xFF, seq & 0xFF]) + (seq * 160).to_bytes(4, "big") + (0x1234ABCD).to_bytes(4, "big")
    return header + bytes((seq + i) & 0xFF for i in range(payload_len))


class Peer:
    def __init__(self, pipeline, name, controlling, dtls_client):
        n = next(_ids)
        self.name = name
        mk = Gst.ElementFactory.make
        self.icesrc = mk("rtcicesrc", f"{name}-icesrc")
        self.icesink = mk("rtcicesink", f"{name}-icesink")
        for e in (self.icesrc, self.icesink):
            e.set_property("transport-id", f"stack-{name}-{n}")
        self.dtlsenc = mk("rtcdtlssrtpenc", f"{name}-dtlsenc")
        self.dtlsdec = mk("rtcdtlssrtpdec", f"{name}-dtlsdec")
        for e in (self.dtlsenc, self.dtlsdec):
            e.set_property("connection-id", f"stack-{name}-{n}")
        self.dtlsenc.set_property("is-client", dtls_client)
        self.sctpenc = mk("rtcsctpenc", f"{name}-sctpenc")
        self.sctpdec = mk("rtcsctpdec", f"{name}-sctpdec")
        for e in (self.sctpenc, self.sctpdec):
            e.set_property("sctp-association-id", 1000 * os.getpid() % 60000 + n)
        self.sctpenc.set_property("is-client", dtls_client)
        self.rtpsrc = mk("appsrc", f"{name}-rtpsrc")
        self.rtpsrc.set_property("caps", Gst.Caps.from_string("application/x-rtp,media=audio,clock-rate=8000,encoding-name=PCMU,payload=96"))
        self.rtpsrc.set_property("format", Gst.Format.TIME)
        self.rtpsink = mk("appsink", f"{name}-rtpsink")
        self.rtpsink.set_property("sync", False)
        # Nothing arrives before the handshake: a prerolling sink would hold the pipeline.
        self.rtpsink.set_property("async", False)
        self.rtpsink.set_property("emit-signals", True)
        self.received_rtp = []
        self.rtpsink.connect("new-sample", self._on_rtp)
        for e in (self.icesrc, self.icesink, self.dtlsenc, self.dtlsdec, self.sctpenc, self.sctpdec, self.rtpsrc, self.rtpsink):
            pipeline.add(e)
        assert self.rtpsrc.get_static_pad("src").link(self.dtlsenc.request_pad_simple("rtp_sink_%u")) == Gst.PadLinkReturn.OK
        assert self.sctpenc.get_static_pad("src").link(self.dtlsenc.request_pad_simple("data_sink")) == Gst.PadLinkReturn.OK
        assert self.dtlsenc.link(self.icesink)
        assert self.icesrc.link(self.dtlsdec)
        assert self.dtlsdec.get_static_pad("rtp_src").link(self.rtpsink.get_static_pad("sink")) == Gst.PadLinkReturn.OK
        assert self.dtlsdec.get_static_pad("data_src").link(self.sctpdec.get_static_pad("sink")) == Gst.PadLinkReturn.OK

        self.ice = self.icesrc.get_property("transport")
        self.ice.set_property("local-addresses", ["127.0.0.1"])
        self.ice.set_property("controlling", controlling)
        self.dtls = self.dtlsenc.get_property("transport")
        self.dtls_states = []
        self.dtls_errors = []
        self.dtls.connect("notify::state", lambda t, _p: self.dtls_states.append(t.get_property("state")))
        self.dtls.connect("on-error", lambda _t, err: self.dtls_errors.append(err))

    def _on_rtp(self, sink):
        sample = sink.emit("pull-sample")
        buf = sample.get_buffer()
        self.received_rtp.append(buf.extract_dup(0, buf.get_size()))
        return Gst.FlowReturn.OK


def connect_signalling(a, b, fingerprint_for_b=None):
    """Credentials, trickled candidates and fingerprints, a <-> b."""
    for local, remote in ((a, b), (b, a)):
        remote.ice.set_remote_credentials(local.ice.get_property("local-ufrag"), local.ice.get_property("local-pwd"))
        local.ice.connect("on-new-candidate", lambda _t, cand, r=remote: GLib.idle_add(add_candidate, r, cand))
    a.dtlsdec.set_property("remote-fingerprint", b.dtlsenc.get_property("fingerprint"))
    b.dtlsdec.set_property("remote-fingerprint", fingerprint_for_b or a.dtlsenc.get_property("fingerprint"))


def add_candidate(peer, cand):
    peer.ice.add_remote_candidate(cand)
    return GLib.SOURCE_REMOVE


def run_until(predicate, timeout_s):
    ctx = GLib.MainContext.default()
    deadline = GLib.get_monotonic_time() + int(timeout_s * 1e6)
    while not predicate() and GLib.get_monotonic_time() < deadline:
        ctx.iteration(False)
        GLib.usleep(2000)
    return predicate()


class StackTest(unittest.TestCase):
    def setUp(self):
        for f in ("rtcicesrc", "rtcicesink", "rtcdtlssrtpenc", "rtcdtlssrtpdec", "rtcsctpenc", "rtcsctpdec"):
            need(f)
        self.pipeline = Gst.Pipeline.new(None)
        self.a = Peer(self.pipeline, "a", controlling=True, dtls_client=True)
        self.b = Peer(self.pipeline, "b", controlling=False, dtls_client=False)
        self.bus_errors = []
        bus = self.pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect("message::error", lambda _b, m: self.bus_errors.append(m.parse_error()[0]))

    def tearDown(self):
        self.pipeline.get_bus().remove_signal_watch()
        self.pipeline.set_state(Gst.State.NULL)

    def start(self, fingerprint_for_b=None):
        connect_signalling(self.a, self.b, fingerprint_for_b)
        self.assertNotEqual(self.pipeline.set_state(Gst.State.PLAYING), Gst.StateChangeReturn.FAILURE)
        for p in (self.a, self.b):
            p.ice.gather_candidates()

    def test_data_channel_and_rtp_over_ice_dtls(self):
        a, b = self.a, self.b
        remote_channels = []
        b.sctpenc.connect("on-data-channel", lambda _e, ch: remote_channels.append(ch))
        # Both ends are ours and take whole DTLS records: probe up to one.
        for p in (a, b):
            self.assertEqual(p.sctpenc.get_property("max-path-mtu"), 1384)
            p.sctpenc.set_property("max-path-mtu", 16384)
        self.start()
        connected = GstRtc.DtlsTransportState.CONNECTED
        self.assertTrue(run_until(lambda: a.dtls.get_property("state") == connected and b.dtls.get_property("state") == connected, 20),
                        f"DTLS states a={a.dtls_states} b={b.dtls_states} bus errors={self.bus_errors}")
        self.assertIn(a.ice.get_property("state"), (GstRtc.IceTransportState.CONNECTED, GstRtc.IceTransportState.COMPLETED))
        self.assertEqual(a.dtls_states[:2], [GstRtc.DtlsTransportState.CONNECTING, connected])

        # Data channel: a opens, b is told, strings and binary both ways.
        ch = a.sctpenc.emit("create-data-channel", "chat", None)
        self.assertIsNotNone(ch)
        got_a, got_b = [], []
        ch.connect("on-message-string", lambda _c, s: got_a.append(s))
        self.assertTrue(run_until(lambda: ch.get_property("ready-state") == GstRtc.DataChannelState.OPEN and remote_channels, 10))
        rch = remote_channels[0]
        self.assertEqual(rch.get_property("label"), "chat")
        rch.connect("on-message-string", lambda _c, s: got_b.append(s))
        rch.connect("on-message-data", lambda _c, d: got_b.append(bytes(d.get_data())))
        for i in range(50):
            ch.emit("send-string", f"hello {i}")
        ch.emit("send-data", GLib.Bytes.new(bytes(range(256)) * 64))
        rch.emit("send-string", "pong")
        self.assertTrue(run_until(lambda: len(got_b) == 51 and got_a == ["pong"], 10), f"b got {len(got_b)}, a got {got_a}")
        self.assertEqual(got_b[:50], [f"hello {i}" for i in range(50)])
        self.assertEqual(got_b[50], bytes(range(256)) * 64)

        # Path MTU discovery (RFC 8899): over loopback both associations
        # climb to the largest probe (one DTLS record), and data keeps
        # flowing intact in the large packets.
        self.assertTrue(run_until(lambda: a.sctpenc.get_property("path-mtu") == 16384
                                  and b.sctpenc.get_property("path-mtu") == 16384, 10),
                        f"path-mtu a={a.sctpenc.get_property('path-mtu')} b={b.sctpenc.get_property('path-mtu')}")
        big = bytes((i * 7) & 0xFF for i in range(65536))  # the default remote max-message-size
        ch.emit("send-data", GLib.Bytes.new(big))
        self.assertTrue(run_until(lambda: len(got_b) == 52, 10), f"b got {len(got_b)}")
        self.assertEqual(got_b[51], big)

        # RTP: protected by a, unprotected by b, bytes intact.
        sent = [rtp_packet(seq) for seq in range(100)]
        for i, pkt in enumerate(sent):
            buf = Gst.Buffer.new_wrapped(pkt)
            buf.pts = i * 20 * Gst.MSECOND
            self.assertEqual(a.rtpsrc.emit("push-buffer", buf), Gst.FlowReturn.OK)
        self.assertTrue(run_until(lambda: len(b.received_rtp) >= 100, 10), f"b received {len(b.received_rtp)} RTP packets")
        self.assertEqual(b.received_rtp[:100], sent)
        self.assertEqual(self.bus_errors, [])

    def test_wrong_fingerprint_fails_and_delivers_nothing(self):
        a, b = self.a, self.b
        # b expects a certificate a does not have.
        wrong = "sha-256 " + ":".join(["AB"] * 32)
        self.start(fingerprint_for_b=wrong)
        failed = GstRtc.DtlsTransportState.FAILED
        self.assertTrue(run_until(lambda: b.dtls.get_property("state") == failed, 20), f"b DTLS states {b.dtls_states}")
        self.assertTrue(any(e.matches(GstRtc.error_quark(), GstRtc.Error.FINGERPRINT_FAILURE) for e in b.dtls_errors),
                        f"errors on b: {b.dtls_errors}")
        for i in range(20):
            a.rtpsrc.emit("push-buffer", Gst.Buffer.new_wrapped(rtp_packet(i)))
        run_until(lambda: False, 0.5)
        self.assertEqual(b.received_rtp, [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
