#!/usr/bin/python3
"""rtcsctpenc/rtcsctpdec against gst-plugins-bad's sctpenc/sctpdec, linked
directly in one pipeline (one SCTP association between the two stacks):

    rtcsctpenc ! sctpdec      sctpenc ! rtcsctpdec

gst-plugins-bad's elements speak no DCEP (they carry raw stream payloads on
sink_%u / src_%u pads), so our side uses `negotiated` data channels on the
same stream ids. Both directions, ordered and unordered streams, string and
binary PPIDs: every payload arrives byte for byte.

gst-plugins-bad's sctp plugin carries its own usrsctp copy with hidden
symbols (no libusrsctp in its NEEDED list, no exported usrsctp_*), so its
stack and ours (the system libusrsctp.so.2) run side by side in one process;
this test is the proof.
"""
import ctypes
import threading
import time
import unittest

import gi
gi.require_version('Gst', '1.0')
gi.require_version('GstRtc', '1.0')
from gi.repository import GLib, Gst, GstRtc  # noqa: E402

Gst.init(None)

TIMEOUT = 10.0
PPID_STRING = 51
PPID_BINARY = 53
# (stream id, ordered)
STREAMS = [(2, True), (3, False)]
COUNT = 200


# sctpenc takes each buffer's PPID and ordering from a GstSctpSendMeta
# (libgstsctp-1.0, which has no GObject-Introspection data): added through
# ctypes on the GstBuffer behind the Python wrapper.
_libgstsctp = None
_libgst = None


def _sctp_libs():
    global _libgstsctp, _libgst
    if _libgstsctp is None:
        _libgstsctp = ctypes.CDLL('libgstsctp-1.0.so.0')
        _libgstsctp.gst_sctp_buffer_add_send_meta.argtypes = [
            ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_int, ctypes.c_uint32]
        _libgstsctp.gst_sctp_buffer_add_send_meta.restype = ctypes.c_void_p
        _libgst = ctypes.CDLL('libgstreamer-1.0.so.0')
        _libgst.gst_buffer_get_size.argtypes = [ctypes.c_void_p]
        _libgst.gst_buffer_get_size.restype = ctypes.c_size_t
    return _libgstsctp, _libgst


def their_buffer(data, ppid, ordered):
    """A Gst.Buffer carrying `data` with sctpenc's send meta."""
    sctp, gst = _sctp_libs()
    buf = Gst.Buffer.new_wrapped(data)
    # PyGObject's boxed wrapper: PyObject header, then the C pointer.
    ptr = ctypes.c_void_p.from_address(id(buf) + object.__basicsize__).value
    assert gst.gst_buffer_get_size(ptr) == len(data), 'not the GstBuffer behind the wrapper'
    assert sctp.gst_sctp_buffer_add_send_meta(ptr, ppid, 1 if ordered else 0, 0, 0)
    return buf


def have(*names):
    return all(Gst.ElementFactory.find(n) is not None for n in names)


def payload(stream, i):
    return bytes(((stream * 31 + i * 7 + k) & 0xff) for k in range(1 + (i * 97) % 3000))


class Peer:
    """The pipeline: our association and theirs (fresh ids each time)."""

    next_id = 10

    def __init__(self):
        ours, theirs = Peer.next_id, Peer.next_id + 1
        Peer.next_id += 2
        self.pipeline = Gst.Pipeline.new('interop')
        self.enc = Gst.ElementFactory.make('rtcsctpenc', 'enc')
        self.dec = Gst.ElementFactory.make('rtcsctpdec', 'dec')
        self.their_enc = Gst.ElementFactory.make('sctpenc', 'their_enc')
        self.their_dec = Gst.ElementFactory.make('sctpdec', 'their_dec')
        self.enc.set_property('sctp-association-id', ours)
        self.dec.set_property('sctp-association-id', ours)
        # gst-plugins-bad: local port on the decoder, remote on the encoder.
        self.their_enc.set_property('sctp-association-id', theirs)
        self.their_enc.set_property('remote-sctp-port', 5000)
        self.their_dec.set_property('sctp-association-id', theirs)
        self.their_dec.set_property('local-sctp-port', 5000)
        self.enc.set_property('is-client', True)
        for e in (self.enc, self.dec, self.their_enc, self.their_dec):
            self.pipeline.add(e)
        assert self.enc.link(self.their_dec)
        assert self.their_enc.link(self.dec)

        # Their side: sctpdec.src_N -> appsink; appsrc -> sctpenc.sink_N once
        # the association is up (sctpenc refuses sink pads before).
        self.received_theirs = {}   # stream -> list of bytes (at sctpdec)
        self.lock = threading.Lock()
        self.cond = threading.Condition(self.lock)
        self.srcs = {}
        self.their_dec.connect('pad-added', self.on_their_pad)

        # Our side: negotiated channels on the same ids.
        self.channels = {}
        self.received_ours = {}     # stream -> list of (is_string, bytes)
        for stream, ordered in STREAMS:
            options = Gst.Structure.new_from_string(
                'options, negotiated=(boolean)true, id=(int)%d, ordered=(boolean)%s'
                % (stream, 'true' if ordered else 'false'))
            channel = self.enc.emit('create-data-channel', 'interop-%d' % stream, options)
            assert channel is not None
            self.received_ours[stream] = []
            channel.connect('on-message-data', self.on_our_data, stream)
            channel.connect('on-message-string', self.on_our_string, stream)
            self.channels[stream] = channel
        self.established = threading.Event()
        self.their_enc.connect('sctp-association-established', self.on_established)

    def on_established(self, enc, up):
        if up:
            self.established.set()

    def on_their_pad(self, dec, pad):
        stream = int(pad.get_name().split('_')[1])
        sink = Gst.ElementFactory.make('appsink', None)
        sink.set_property('emit-signals', True)
        sink.set_property('sync', False)
        sink.set_property('async', False)
        sink.connect('new-sample', self.on_sample, stream)
        self.pipeline.add(sink)
        sink.sync_state_with_parent()
        assert pad.link(sink.get_static_pad('sink')) == Gst.PadLinkReturn.OK

    def on_sample(self, sink, stream):
        sample = sink.emit('pull-sample')
        buf = sample.get_buffer()
        data = buf.extract_dup(0, buf.get_size())
        with self.cond:
            self.received_theirs.setdefault(stream, []).append(bytes(data))
            self.cond.notify_all()
        return Gst.FlowReturn.OK

    def on_our_data(self, channel, data, stream):
        with self.cond:
            self.received_ours[stream].append((False, bytes(data.get_data()) if data else b''))
            self.cond.notify_all()

    def on_our_string(self, channel, text, stream):
        with self.cond:
            self.received_ours[stream].append((True, (text or '').encode()))
            self.cond.notify_all()

    def wait(self, pred, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        with self.cond:
            while not pred():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.cond.wait(min(left, 0.1))
        return True

    def start(self):
        assert self.pipeline.set_state(Gst.State.PLAYING) != Gst.StateChangeReturn.FAILURE
        transport = self.enc.get_property('transport')
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if transport.get_property('state') == GstRtc.SctpTransportState.CONNECTED and self.established.is_set():
                break
            time.sleep(0.01)
        else:
            raise AssertionError('association did not come up: ours %s, theirs %s'
                                 % (transport.get_property('state'), self.established.is_set()))
        for stream, channel in self.channels.items():
            while channel.get_property('ready-state') != GstRtc.DataChannelState.OPEN:
                assert time.monotonic() < deadline, 'negotiated channel %d not open' % stream
                time.sleep(0.01)
        for stream, ordered in STREAMS:
            src = Gst.ElementFactory.make('appsrc', None)
            src.set_property('is-live', True)
            src.set_property('format', Gst.Format.TIME)
            src.set_property('caps', Gst.Caps.from_string('application/x-data'))
            self.pipeline.add(src)
            pad = self.their_enc.request_pad_simple('sink_%u' % stream)
            assert pad is not None and pad.get_name() == 'sink_%u' % stream
            assert src.get_static_pad('src').link(pad) == Gst.PadLinkReturn.OK
            src.sync_state_with_parent()
            self.srcs[stream] = src

    def stop(self):
        self.pipeline.set_state(Gst.State.NULL)


@unittest.skipUnless(have('sctpenc', 'sctpdec'), 'gst-plugins-bad sctpenc/sctpdec not installed')
@unittest.skipUnless(have('rtcsctpenc', 'rtcsctpdec'), 'rtcsctp plugin not built')
class SctpInterop(unittest.TestCase):
    def setUp(self):
        self.peer = Peer()
        try:
            self.peer.start()
        except Exception:
            self.peer.stop()
            raise

    def tearDown(self):
        self.peer.stop()

    def test_ours_to_theirs(self):
        p = self.peer
        for i in range(COUNT):
            for stream, _ in STREAMS:
                data = payload(stream, i)
                if stream % 2 == 0:
                    ok = p.channels[stream].send_data(GLib.Bytes.new(data))
                else:
                    ok = p.channels[stream].send_string(data.hex())
                self.assertTrue(ok)
        self.assertTrue(p.wait(lambda: all(len(p.received_theirs.get(s, [])) == COUNT for s, _ in STREAMS)),
                        {s: len(v) for s, v in p.received_theirs.items()})
        for stream, ordered in STREAMS:
            expected = [payload(stream, i) if stream % 2 == 0 else payload(stream, i).hex().encode()
                        for i in range(COUNT)]
            got = p.received_theirs[stream]
            if ordered:
                self.assertEqual(got, expected)
            else:
                self.assertEqual(sorted(got), sorted(expected))

    def test_theirs_to_ours(self):
        p = self.peer
        for i in range(COUNT):
            for stream, ordered in STREAMS:
                data = payload(stream, i)
                if stream % 2:
                    data = data.hex().encode()
                buf = their_buffer(data, PPID_STRING if stream % 2 else PPID_BINARY, ordered)
                self.assertEqual(p.srcs[stream].emit('push-buffer', buf), Gst.FlowReturn.OK)
        self.assertTrue(p.wait(lambda: all(len(p.received_ours[s]) == COUNT for s, _ in STREAMS)),
                        {s: len(v) for s, v in p.received_ours.items()})
        for stream, ordered in STREAMS:
            is_string = stream % 2 == 1
            expected = [(is_string, payload(stream, i).hex().encode() if is_string else payload(stream, i))
                        for i in range(COUNT)]
            got = p.received_ours[stream]
            if ordered:
                self.assertEqual(got, expected)
            else:
                self.assertEqual(sorted(got), sorted(expected))

    def test_both_directions_at_once(self):
        p = self.peer
        stream = STREAMS[0][0]
        for i in range(COUNT):
            data = payload(stream, i)
            self.assertTrue(p.channels[stream].send_data(GLib.Bytes.new(data)))
            p.srcs[stream].emit('push-buffer', their_buffer(data[::-1], PPID_BINARY, True))
        self.assertTrue(p.wait(lambda: len(p.received_theirs.get(stream, [])) == COUNT
                               and len(p.received_ours[stream]) == COUNT))
        self.assertEqual(p.received_theirs[stream], [payload(stream, i) for i in range(COUNT)])
        self.assertEqual(p.received_ours[stream], [(False, payload(stream, i)[::-1]) for i in range(COUNT)])


if __name__ == '__main__':
    unittest.main(verbosity=2)
