#!/usr/bin/python3
"""Media between two peers in one process: RTP linked into `sink_%u`
pads (webrtcbin's application/x-rtp form) leaves the other peer on a
`src_%u` pad (pad-added, the W3C track event) and is decoded there.

Runs against rtcpeerbin (default) or, to validate the tests themselves,
GST_RTC_PEER_ELEMENT=webrtcbin.
"""
import os
import re
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_harness import (SLOW, GObject, Gst, GstRtc, PeerTestCase, have_element, main,  # noqa: E402
                          rtc_error_domain, stat_type, wait_until)

import gi  # noqa: E402
gi.require_version('GstAudio', '1.0')
from gi.repository import GstAudio  # noqa: E402

NEEDED = ('videotestsrc', 'vp8enc', 'rtpvp8pay', 'rtpvp8depay', 'vp8dec', 'audiotestsrc', 'opusenc',
          'rtpopuspay', 'rtpopusdepay', 'opusdec')


class Receiver:
    """Decodes whatever a peer's src pads carry; counts frames per media."""

    def __init__(self, pr, peer):
        self.pr = pr
        self.frames = {'video': 0, 'audio': 0}
        self.pads = []
        self.sinks = []  # (media, decoding bin)
        self.lock = threading.Lock()
        peer.el.connect('pad-added', self._on_pad)

    def _on_pad(self, el, pad):
        if pad.get_direction() != Gst.PadDirection.SRC:
            return
        caps = pad.get_current_caps() or pad.query_caps(None)
        s = caps.get_structure(0)
        media = s.get_string('media')
        enc = (s.get_string('encoding-name') or '').upper()
        with self.lock:
            self.pads.append((pad, media, enc))
        chain = {'VP8': 'rtpvp8depay ! vp8dec', 'OPUS': 'rtpopusdepay ! opusdec',
                 'H264': 'rtph264depay ! avdec_h264'}.get(enc)
        if not chain:
            return
        sink = Gst.parse_bin_from_description(f'queue ! {chain} ! fakesink name=sink signal-handoffs=true', True)
        sink.get_by_name('sink').connect('handoff', lambda *_: self._count(media))
        with self.lock:
            self.sinks.append((media, sink))
        self.pr.pipeline.add(sink)
        sink.sync_state_with_parent()
        pad.link(sink.get_static_pad('sink'))

    def _count(self, media):
        with self.lock:
            self.frames[media] += 1


def add_source(pr, peer, description):
    src = Gst.parse_bin_from_description(description, True)
    pr.pipeline.add(src)
    sink = peer.el.request_pad_simple('sink_%u')
    assert src.get_static_pad('src').link(sink) == Gst.PadLinkReturn.OK
    src.sync_state_with_parent()
    return sink


class LayerReceiver:
    """Decodes each VP8 src pad of a peer by its `rid` (simulcast layers):
    frames and size per rid. Sinks are async=false: a layer that stops
    (paused) must not hold the pipeline in preroll."""

    def __init__(self, pr, peer):
        self.pr = pr
        self.decoded = {}  # rid -> (frames, (width, height))
        self.lock = threading.Lock()
        peer.el.connect('pad-added', self._on_pad)

    def _on_pad(self, _el, pad):
        if pad.get_direction() != Gst.PadDirection.SRC:
            return
        rid = pad.get_property('rid')
        dec = Gst.parse_bin_from_description('queue ! rtpvp8depay ! vp8dec ! fakesink name=sink async=false', True)

        def frame(sink_pad, _info):
            st = sink_pad.get_current_caps().get_structure(0)
            with self.lock:
                n, _ = self.decoded.get(rid, (0, None))
                self.decoded[rid] = (n + 1, (st.get_value('width'), st.get_value('height')))
            return Gst.PadProbeReturn.OK
        dec.get_by_name('sink').get_static_pad('sink').add_probe(Gst.PadProbeType.BUFFER, frame)
        self.pr.pipeline.add(dec)
        dec.sync_state_with_parent()
        pad.link(dec.get_static_pad('sink'))

    def frames(self, rid):
        with self.lock:
            return self.decoded.get(rid, (0, None))[0]

    def size(self, rid):
        with self.lock:
            return self.decoded.get(rid, (0, None))[1]


def add_layer(pr, peer, rid, description):
    """A source linked to a new sink pad of `peer` sending simulcast layer `rid`."""
    src = Gst.parse_bin_from_description(description, True)
    pr.pipeline.add(src)
    sink = peer.el.request_pad_simple('sink_%u')
    sink.set_property('rid', rid)
    assert src.get_static_pad('src').link(sink) == Gst.PadLinkReturn.OK
    src.sync_state_with_parent()
    return sink


def force_key_unit():
    """What a decoder sends upstream on loss."""
    return Gst.Event.new_custom(Gst.EventType.CUSTOM_UPSTREAM,
                                Gst.Structure.new_from_string('GstForceKeyUnit, all-headers=(boolean)true'))


def key_unit_requests(encoder):
    """Times (monotonic) of the GstForceKeyUnit requests reaching `encoder`
    from downstream, as they come."""
    times = []

    def upstream(_pad, info):
        s = info.get_event().get_structure()
        if s and s.get_name() == 'GstForceKeyUnit':
            times.append(time.monotonic())
        return Gst.PadProbeReturn.OK

    encoder.get_static_pad('src').add_probe(Gst.PadProbeType.EVENT_UPSTREAM, upstream)
    return times


def sink_far_pads(pr, peer, probe_type, probe):
    """Each src pad `peer` adds goes into a fakesink, `probe` watching it."""
    def on_pad(_el, pad):
        if pad.get_direction() != Gst.PadDirection.SRC:
            return
        pad.add_probe(probe_type, probe)
        fake = Gst.ElementFactory.make('fakesink')
        pr.pipeline.add(fake)
        fake.sync_state_with_parent()
        pad.link(fake.get_static_pad('sink'))
    peer.el.connect('pad-added', on_pad)


VIDEO = 'videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=30/1 ! ' \
        'vp8enc deadline=1 keyframe-max-dist=30 ! rtpvp8pay pt=96'
AUDIO = 'audiotestsrc is-live=true wave=sine ! opusenc ! rtpopuspay pt=111'


class Media(PeerTestCase):
    # Pair() arguments: the interop suite runs these tests with webrtcbin on
    # one side (tests/check/interop/test_peer_media_webrtcbin.py).
    PAIR = {}

    def setUp(self):
        super().setUp()
        missing = [e for e in NEEDED if not have_element(e)]
        if missing:
            self.skipTest(f'missing GStreamer elements: {missing}')

    def transceiver_of(self, pad):
        """The pad's caps arrived (what an offer is made from) and it has
        its transceiver."""
        wait_until(pad.has_current_caps, what=f'caps on {pad.get_name()}')
        return wait_until(lambda: pad.get_property('transceiver'), what=f'{pad.get_name()} transceiver')

    def test_video_from_offerer_is_decoded(self):
        pr = self.pair(**self.PAIR)
        rx = Receiver(pr, pr.b)
        pad = add_source(pr, pr.a, VIDEO)
        self.transceiver_of(pad)
        offer, answer = pr.negotiate('a')
        self.assertIn('m=video', offer)
        self.assertIn('VP8/90000', offer)
        pr.wait_connected()
        wait_until(lambda: rx.frames['video'] >= 15, what='15 decoded video frames on b')
        pad_b, media, enc = rx.pads[0]
        self.assertEqual((media, enc), ('video', 'VP8'))
        self.assertIsNotNone(pad_b.get_property('transceiver'), 'src pad has its transceiver')
        self.assertEqual(pr.bus_errors, [])

    def test_audio_and_video_both_ways(self):
        pr = self.pair(**self.PAIR)
        rx_a, rx_b = Receiver(pr, pr.a), Receiver(pr, pr.b)
        for pad in (add_source(pr, pr.a, VIDEO), add_source(pr, pr.a, AUDIO)):
            self.transceiver_of(pad)
        offer, _ = pr.negotiate('a')
        self.assertIn('m=audio', offer)
        # The answerer's own pads take the transceivers the offer made.
        for pad in (add_source(pr, pr.b, VIDEO), add_source(pr, pr.b, AUDIO)):
            self.transceiver_of(pad)
        pr.negotiate('b')
        pr.wait_connected()
        wait_until(lambda: rx_b.frames['video'] >= 15 and rx_b.frames['audio'] >= 15,
                   what=f'video and audio decoded on b ({rx_b.frames})')
        wait_until(lambda: rx_a.frames['video'] >= 15 and rx_a.frames['audio'] >= 15,
                   what=f'video and audio decoded on a ({rx_a.frames})')
        self.assertEqual(pr.bus_errors, [])


    def test_both_send_from_the_start(self):
        """Both link their sources before the first offer: the answerer's
        pads take the m-lines of the offer (sendrecv both ways)."""
        pr = self.pair(**self.PAIR)
        rx_a, rx_b = Receiver(pr, pr.a), Receiver(pr, pr.b)
        for peer in (pr.a, pr.b):
            for pad in (add_source(pr, peer, VIDEO), add_source(pr, peer, AUDIO)):
                self.transceiver_of(pad)
        offer, answer = pr.negotiate('a')
        self.assertEqual(offer.count('m='), 2, 'one m-line per kind, not one per pad and side')
        self.assertEqual(answer.count('a=sendrecv'), 2)
        pr.wait_connected()
        for rx, name in ((rx_a, 'a'), (rx_b, 'b')):
            wait_until(lambda: rx.frames['video'] >= 15 and rx.frames['audio'] >= 15,
                       what=f'video and audio decoded on {name} ({rx.frames})')
        self.assertEqual(pr.bus_errors, [])


    def test_encoded_media_is_payloaded_inside(self):
        """vp8enc and opusenc straight into sink pads: the bin payloads them
        (rtcpay) and the other side decodes both."""
        factories = (self.PAIR.get('factory_a'), self.PAIR.get('factory_b'))
        if 'webrtcbin' in factories or os.environ.get('GST_RTC_PEER_ELEMENT', 'rtcpeerbin') != 'rtcpeerbin':
            self.skipTest('webrtcbin takes only application/x-rtp')
        if not have_element('rtcpay'):
            self.skipTest('rtcpay (the rtcrtp plugin) not built')
        pr = self.pair(**self.PAIR)
        rx = Receiver(pr, pr.b)
        for enc in (VIDEO.rsplit(' ! ', 1)[0], AUDIO.rsplit(' ! ', 1)[0]):
            pad = add_source(pr, pr.a, enc)
            self.transceiver_of(pad)
            self.assertNotEqual(pad.get_current_caps().get_structure(0).get_name(), 'application/x-rtp')
        offer, _ = pr.negotiate('a')
        self.assertIn('VP8/90000', offer)
        self.assertIn('opus/48000', offer)
        pr.wait_connected()
        wait_until(lambda: rx.frames['video'] >= 15 and rx.frames['audio'] >= 15,
                   what=f'video and audio decoded on b ({rx.frames})')
        self.assertEqual(pr.bus_errors, [])


    def test_h264_from_x264enc_straight_into_the_bin(self):
        """x264enc's video/x-h264 linked without a payloader (the camera
        case: any encoder, hardware ones included): decoded on the far side,
        SPS/PPS repeated before keyframes so decoding starts at once."""
        factories = (self.PAIR.get('factory_a'), self.PAIR.get('factory_b'))
        if 'webrtcbin' in factories or os.environ.get('GST_RTC_PEER_ELEMENT', 'rtcpeerbin') != 'rtcpeerbin':
            self.skipTest('webrtcbin takes only application/x-rtp')
        missing = [e for e in ('rtcpay', 'x264enc', 'rtph264depay', 'avdec_h264') if not have_element(e)]
        if missing:
            self.skipTest(f'missing {missing}')
        pr = self.pair(**self.PAIR)
        rx = Receiver(pr, pr.b)
        pad = add_source(pr, pr.a, 'videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=30/1 ! '
                                   'x264enc tune=zerolatency speed-preset=ultrafast key-int-max=30 ! '
                                   'capsfilter caps=video/x-h264,profile=main')
        self.transceiver_of(pad)
        offer, _ = pr.negotiate('a')
        self.assertIn('H264/90000', offer)
        self.assertIn('packetization-mode=1', offer)
        # The encoder's profile (Main) is what the offer names (RFC 6184).
        h264_pt = re.search(r'a=rtpmap:(\d+) H264/90000', offer).group(1)
        fmtp = re.search(rf'a=fmtp:{h264_pt} (.*)', offer).group(1)
        self.assertRegex(fmtp, r'profile-level-id=4d00[0-9a-f]{2}')
        pr.wait_connected()
        wait_until(lambda: rx.frames['video'] >= 15, what=f'H.264 decoded on b ({rx.frames})')
        self.assertEqual([e for _, _, e in rx.pads], ['H264'])
        self.assertEqual(pr.bus_errors, [])


    def test_stopped_transceiver_removes_the_far_pad(self):
        """W3C stop() on the sender's video transceiver: after the next
        negotiation the receiver's video pad is removed (the track ends)
        and the audio keeps flowing."""
        pr = self.pair(**self.PAIR)
        rx = Receiver(pr, pr.b)
        removed = []
        pr.b.el.connect('pad-removed', lambda _el, pad: removed.append(pad.get_name()))
        video = add_source(pr, pr.a, VIDEO)
        self.transceiver_of(video)
        self.transceiver_of(add_source(pr, pr.a, AUDIO))
        pr.negotiate('a')
        pr.wait_connected()
        wait_until(lambda: rx.frames['video'] >= 5 and rx.frames['audio'] >= 5 and len(rx.pads) == 2,
                   what=f'both streams on b ({rx.frames})')
        transceiver = video.get_property('transceiver')
        if GObject.signal_lookup('stop', transceiver) == 0:
            self.skipTest(f'{type(transceiver).__name__} has no stop()')
        transceiver.emit('stop')
        offer, answer = pr.negotiate('a')
        self.assertIn('m=video 0 ', offer, 'the stopped m-line is rejected')
        video_pad = next(p.get_name() for p, media, _ in rx.pads if media == 'video')
        wait_until(lambda: video_pad in removed, what=f'{video_pad} removed on b')
        audio_before = rx.frames['audio']
        wait_until(lambda: rx.frames['audio'] >= audio_before + 10, what='audio still flowing')
        self.assertEqual(pr.bus_errors, [])

    def test_retransmission_recovers_losses(self):
        """5 % of the sender's VP8 packets are lost on the way (dropped
        before encryption, retransmissions spared): NACK + RTX (RFC 4588)
        bring every one back before a 200 ms jitter buffer gives up, so
        what leaves the receiver has no gap. Losses come close together
        (~5 packets a frame), where rtpsession's one early RTCP per interval
        used to hold NACKs back; without RTX every loss would be a gap."""
        if 'webrtcbin' in (self.PAIR.get('factory_a'), self.PAIR.get('factory_b'), os.environ.get('GST_RTC_PEER_ELEMENT')):
            self.skipTest('reaches into rtcpeerbin to lose packets')
        import random
        pr = self.pair(props_b={'latency': 200}, **self.PAIR)
        rx = Receiver(pr, pr.b)
        # ~5 packets a frame: losses come quickly.
        pad = add_source(pr, pr.a, VIDEO.replace('vp8enc ', 'vp8enc target-bitrate=1500000 '))
        self.transceiver_of(pad)
        offer, answer = pr.negotiate('a')
        self.assertIn('rtx/90000', offer)
        self.assertIn('a=ssrc-group:FID', offer)
        self.assertIn('rtx/90000', answer)
        rng = random.Random(4588)
        lost = []

        def lose(_pad, info):
            buf = info.get_buffer()
            head = buf.extract_dup(0, 4)
            if (head[1] & 0x7f) == 96 and rng.random() < 0.05:
                lost.append(int.from_bytes(head[2:4], 'big'))
                return Gst.PadProbeReturn.DROP
            return Gst.PadProbeReturn.OK

        enc = next(e for e in pr.a.el.children if e.get_factory().get_name() == 'rtcdtlssrtpenc')
        enc.get_static_pad('rtp_sink_0').add_probe(Gst.PadProbeType.BUFFER, lose)
        seqs = []

        def seen(pad, info):
            buf = info.get_buffer()
            seqs.append(int.from_bytes(buf.extract_dup(2, 2), 'big'))
            return Gst.PadProbeReturn.OK

        pr.b.el.connect('pad-added', lambda _el, p: p.add_probe(Gst.PadProbeType.BUFFER, seen))
        pr.wait_connected()
        wait_until(lambda: len(lost) >= 20, timeout=30, what=f'losses ({len(lost)})')
        # Every loss so far had its 200 ms; then take what left the receiver.
        last_lost = lost[-1]
        wait_until(lambda: seqs and ((seqs[-1] - last_lost) & 0xffff) < 0x8000 and seqs[-1] != last_lost,
                   what='packets after the last loss')
        time.sleep(0.3)
        got = list(seqs)
        gaps = [(a, b) for a, b in zip(got, got[1:]) if (b - a) & 0xffff != 1]
        missing = sum(((b - a) & 0xffff) - 1 for a, b in gaps)
        self.assertEqual(missing, 0, f'{len(lost)} packets lost on the way; after the jitter buffer gaps {gaps}')
        self.assertGreater(len(got), 200)
        self.assertEqual(pr.bus_errors, [])

    def test_payload_type_rewritten_to_the_negotiated_one(self):
        """The answerer's payloader uses payload types of its own (120 for
        VP8, 121 for Opus); what leaves carries the numbers the offer chose,
        and the offerer decodes it."""
        if 'webrtcbin' in (self.PAIR.get('factory_a'), self.PAIR.get('factory_b'), os.environ.get('GST_RTC_PEER_ELEMENT')):
            self.skipTest('rtcpeerbin behaviour (webrtcbin sends the payloader\'s numbers)')
        pr = self.pair(**self.PAIR)
        rx_a = Receiver(pr, pr.a)
        for pad in (add_source(pr, pr.a, VIDEO), add_source(pr, pr.a, AUDIO)):
            self.transceiver_of(pad)
        for desc in (VIDEO.replace('pt=96', 'pt=120'), AUDIO.replace('pt=111', 'pt=121')):
            self.transceiver_of(add_source(pr, pr.b, desc))
        offer, answer = pr.negotiate('a')
        self.assertNotIn(' 120 ', offer + answer)
        pr.wait_connected()
        wait_until(lambda: rx_a.frames['video'] >= 15 and rx_a.frames['audio'] >= 15,
                   what=f'b\'s video and audio decoded on a ({rx_a.frames})')
        pts = sorted(pad.get_current_caps().get_structure(0).get_int('payload')[1] for pad, _, _ in rx_a.pads)
        self.assertEqual(pts, [96, 111])

    def rtcpeerbin_only(self, why):
        if 'webrtcbin' in (self.PAIR.get('factory_a'), self.PAIR.get('factory_b'),
                           os.environ.get('GST_RTC_PEER_ELEMENT')):
            self.skipTest(why)

    def test_dtmf_tones_reach_the_far_side(self):
        """insert-dtmf on the audio sender's GstRtcDtmfSender: the tones
        leave as RFC 4733 telephone-event packets in the audio stream, the
        far side gets them on a src pad of their own (rtpdtmfdepay reports
        each), the sender reports each tone and then the end, and the
        audio goes on after the tones."""
        self.rtcpeerbin_only('webrtcbin has no DTMF sender')
        if not have_element('rtpdtmfdepay'):
            self.skipTest('rtpdtmfdepay missing')
        pr = self.pair(**self.PAIR)
        rx = Receiver(pr, pr.b)
        pad = add_source(pr, pr.a, AUDIO)
        transceiver = self.transceiver_of(pad)
        dtmf = transceiver.get_property('sender').get_property('dtmf')
        self.assertIsNotNone(dtmf, 'an audio sender has a DTMF sender')
        self.assertFalse(dtmf.get_property('can-insert-dtmf'), 'nothing negotiated yet')
        self.assertFalse(dtmf.emit('insert-dtmf', '1', 100, 70))
        offer, answer = pr.negotiate('a')
        self.assertIn('telephone-event/48000', answer)
        pr.wait_connected()
        wait_until(lambda: dtmf.get_property('can-insert-dtmf'), what='can-insert-dtmf')
        wait_until(lambda: rx.frames['audio'] >= 10, what='audio decoded on b')
        events, tones = [], []

        def on_message(_bus, msg):
            s = msg.get_structure()
            if s and s.get_name() == 'dtmf-event':
                events.append(s.get_int('number')[1])

        bus = pr.pipeline.get_bus()
        handler = bus.connect('sync-message::element', on_message)
        te_pads = []

        def on_pad(_el, p):
            s = (p.get_current_caps() or p.query_caps(None)).get_structure(0)
            if (s.get_string('encoding-name') or '').upper() != 'TELEPHONE-EVENT':
                return
            te_pads.append(p)
            sink = Gst.parse_bin_from_description('rtpdtmfdepay ! fakesink async=false', True)
            pr.pipeline.add(sink)
            sink.sync_state_with_parent()
            p.link(sink.get_static_pad('sink'))

        pr.b.el.connect('pad-added', on_pad)
        dtmf.connect('on-tone-change', lambda _d, tone: tones.append(tone))
        try:
            self.assertFalse(dtmf.emit('insert-dtmf', '1x', 100, 70), 'invalid tone refused')
            self.assertTrue(dtmf.emit('insert-dtmf', '1#9', 100, 70))
            wait_until(lambda: tones[-1:] == [''], what=f'the tones played ({tones})')
            self.assertEqual(tones, ['1', '#', '9', ''])
            self.assertEqual(dtmf.get_property('tone-buffer'), '')
            wait_until(lambda: len(events) >= 3, what=f'three tones received ({events})')
            self.assertEqual(events, [1, 11, 9])
            self.assertEqual(len(te_pads), 1)
            te_transceiver = te_pads[0].get_property('transceiver')
            self.assertIsNotNone(te_transceiver)
            self.assertEqual(te_transceiver.get_property('mid'), transceiver.get_property('mid'))
            audio_before = rx.frames['audio']
            wait_until(lambda: rx.frames['audio'] >= audio_before + 10, what='audio after the tones')
        finally:
            bus.disconnect(handler)
        self.assertEqual(pr.bus_errors, [])

    def test_header_extensions_on_the_wire(self):
        """Every packet names its m-line (MID, RFC 8843), carries a send
        time (abs-send-time) and a transport-wide sequence number shared by
        all streams; the receiver answers with transport-cc feedback."""
        self.rtcpeerbin_only('reads rtcpeerbin\'s header extensions')
        pr = self.pair(**self.PAIR)
        rx = Receiver(pr, pr.b)
        for desc in (VIDEO, AUDIO):
            self.transceiver_of(add_source(pr, pr.a, desc))
        offer, answer = pr.negotiate('a')
        ids = {}
        for line in answer.splitlines():
            if line.startswith('a=extmap:'):
                num, uri = line[len('a=extmap:'):].split()[:2]
                ids[uri] = int(num.split('/')[0])
        mid_id = ids['urn:ietf:params:rtp-hdrext:sdes:mid']
        twcc_id = ids['http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01']
        abs_id = ids['http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time']
        seen = []  # (pad, mid, twcc seq, has abs-send-time)
        lock = threading.Lock()

        def parse(pad, info):
            data = info.get_buffer().extract_dup(0, info.get_buffer().get_size())
            exts = {}
            if data[0] & 0x10:
                start = 12 + 4 * (data[0] & 0x0f)
                profile = int.from_bytes(data[start:start + 2], 'big')
                words = int.from_bytes(data[start + 2:start + 4], 'big')
                i, end = start + 4, start + 4 + 4 * words
                while profile == 0xBEDE and i < end:
                    if data[i] == 0:
                        i += 1
                        continue
                    eid, ln = data[i] >> 4, (data[i] & 0x0f) + 1
                    exts[eid] = data[i + 1:i + 1 + ln]
                    i += 1 + ln
            with lock:
                seen.append((pad.get_name(), exts.get(mid_id, b'').decode(),
                             int.from_bytes(exts[twcc_id], 'big') if twcc_id in exts else None, abs_id in exts))
            return Gst.PadProbeReturn.OK

        pr.b.el.connect('pad-added', lambda _el, p: p.add_probe(Gst.PadProbeType.BUFFER, parse))
        feedback = []

        def rtcp(_pad, info):
            data = info.get_buffer().extract_dup(0, info.get_buffer().get_size())
            i = 0
            while i + 4 <= len(data):
                if data[i + 1] == 205 and data[i] & 0x1f == 15:  # RTPFB transport-cc
                    feedback.append(i)
                i += 4 * (int.from_bytes(data[i + 2:i + 4], 'big') + 1)
            return Gst.PadProbeReturn.OK

        dec = next(e for e in pr.a.el.children if e.get_factory().get_name() == 'rtcdtlssrtpdec')
        dec.get_static_pad('rtcp_src').add_probe(Gst.PadProbeType.BUFFER, rtcp)
        pr.wait_connected()
        wait_until(lambda: rx.frames['video'] >= 15 and rx.frames['audio'] >= 15, what=f'media on b ({rx.frames})')
        wait_until(lambda: feedback, what='transport-cc feedback at the sender')
        with lock:
            packets = list(seen)
        mids = {}
        for pad, mid, _, _ in packets:
            mids.setdefault(pad, set()).add(mid)
        b_mids = {p.get_name(): p.get_property('transceiver').get_property('mid') for p, _, _ in rx.pads}
        self.assertEqual(mids, {pad: {b_mids[pad]} for pad in mids}, 'each packet names its own m-line')
        self.assertEqual(len(set(b_mids.values())), 2)
        self.assertTrue(all(has_abs for *_, has_abs in packets), 'abs-send-time in every packet')
        seqs = [seq for _, _, seq, _ in packets]
        self.assertNotIn(None, seqs)
        self.assertEqual(len(set(seqs)), len(seqs), 'one transport-wide sequence for both streams')
        self.assertEqual(pr.bus_errors, [])

    def test_streams_demultiplexed_by_mid_without_ssrc_lines(self):
        """An offer without a=ssrc lines (as some endpoints send) and two
        video m-lines with the same payload type: the receiver tells the
        streams apart by the MID header extension (RFC 8843 9.2), each src
        pad with its own transceiver."""
        self.rtcpeerbin_only('webrtcbin does not demultiplex by MID')
        pr = self.pair(**self.PAIR)
        rx = Receiver(pr, pr.b)
        for pattern in ('ball', 'snow'):
            self.transceiver_of(add_source(pr, pr.a, VIDEO.replace('pattern=ball', f'pattern={pattern}')))
        o, r = pr.a, pr.b
        _, offer = o.create('offer')
        r.hold()
        o.set_local('offer', offer)
        sent = o.local_text_for_signalling(offer)
        stripped = '\r\n'.join(line for line in sent.split('\r\n')
                                if not line.startswith(('a=ssrc:', 'a=ssrc-group:')))
        self.assertNotIn('a=ssrc', stripped)
        r.set_remote('offer', stripped)
        _, answer = r.create('answer')
        o.hold()
        r.set_local('answer', answer)
        o.set_remote('answer', r.local_text_for_signalling(answer))
        pr.wait_connected()
        wait_until(lambda: len(rx.pads) == 2 and rx.frames['video'] >= 20, what=f'two video streams on b ({rx.frames})')
        mids = sorted(p.get_property('transceiver').get_property('mid') for p, _, _ in rx.pads)
        a_mids = sorted(t.get_property('mid') for t in
                        (o.el.emit('get-transceiver', i) for i in range(2)))
        self.assertEqual(mids, a_mids, 'each stream on its own transceiver')
        self.assertEqual(pr.bus_errors, [])


    def test_replace_track_by_relinking_the_pad(self):
        """W3C replaceTrack() as GStreamer does it: another source relinked
        to the same sink pad with the same codec goes on in the same stream,
        without a renegotiation; the far side keeps decoding on its pad."""
        self.rtcpeerbin_only('encoded media into the bin')
        pr = self.pair(**self.PAIR)
        rx = Receiver(pr, pr.b)
        encoded = VIDEO.replace(' ! rtpvp8pay pt=96', '')
        first = Gst.parse_bin_from_description(encoded, True)
        pr.pipeline.add(first)
        sink = pr.a.el.request_pad_simple('sink_%u')
        self.assertEqual(first.get_static_pad('src').link(sink), Gst.PadLinkReturn.OK)
        first.sync_state_with_parent()
        self.transceiver_of(sink)
        pr.negotiate('a')
        pr.wait_connected()
        wait_until(lambda: rx.frames['video'] >= 10, what='first source decoded on b')
        needed = []
        pr.a.el.connect('on-negotiation-needed', lambda *_: needed.append(1))
        first.get_static_pad('src').unlink(sink)
        first.set_state(Gst.State.NULL)
        pr.pipeline.remove(first)
        second = Gst.parse_bin_from_description(encoded.replace('pattern=ball', 'pattern=snow'), True)
        pr.pipeline.add(second)
        self.assertEqual(second.get_static_pad('src').link(sink), Gst.PadLinkReturn.OK)
        second.sync_state_with_parent()
        before = rx.frames['video']
        wait_until(lambda: rx.frames['video'] >= before + 30, what='second source decoded on b')
        self.assertEqual(len(rx.pads), 1, 'same stream, same far pad')
        self.assertEqual(needed, [], 'no renegotiation')
        self.assertEqual(pr.bus_errors, [])

    def test_only_media_with_rtx_asks_for_retransmissions(self):
        """NACKs are asked only for streams whose m-line agreed rtx (the
        video here): the audio jitter buffer asks for nothing, so audio
        losses do not turn into useless feedback."""
        self.rtcpeerbin_only('reads rtcpeerbin\'s jitter buffers')
        pr = self.pair(**self.PAIR)
        rx = Receiver(pr, pr.b)
        for desc in (VIDEO, AUDIO):
            self.transceiver_of(add_source(pr, pr.a, desc))
        pr.negotiate('a')
        pr.wait_connected()
        wait_until(lambda: rx.frames['video'] >= 5 and rx.frames['audio'] >= 5, what=f'media on b ({rx.frames})')
        asks = []
        it = pr.b.el.iterate_recurse()
        while True:
            res, el = it.next()
            if res != Gst.IteratorResult.OK:
                break
            # rtcpeerbin's own jitter buffer (rtpbin's request-jitterbuffer).
            if el.__gtype__.name in ('GstRtcPeerJitterBuffer', 'GstRtpJitterBuffer'):
                asks.append(el.get_property('do-retransmission'))
        self.assertEqual(sorted(asks), [False, True], 'one jitter buffer per stream, only video asks')

    def test_keyframe_request_reaches_the_encoder(self):
        """A receiver's key unit request (what a decoder sends on loss)
        travels as RTCP PLI and reaches the sender's encoder as a
        GstForceKeyUnit event."""
        pr, decoder_sink, requests = self.video_with_key_unit_requests()
        before = len(requests)
        self.assertTrue(decoder_sink.push_event(force_key_unit()))
        wait_until(lambda: len(requests) > before, what='GstForceKeyUnit at the encoder')

    def video_with_key_unit_requests(self):
        """a sends VP8 to b, decoded: (pair, b's decoder sink pad, times of
        the key unit requests reaching a's encoder)."""
        pr = self.pair(**self.PAIR)
        rx = Receiver(pr, pr.b)
        pad = add_source(pr, pr.a, VIDEO.replace('vp8enc', 'vp8enc name=enc'))
        self.transceiver_of(pad)
        enc = pad.get_peer().get_parent_element().get_by_name('enc')
        requests = key_unit_requests(enc)
        pr.negotiate('a')
        pr.wait_connected()
        wait_until(lambda: rx.frames['video'] >= 5 and rx.sinks, what='video flowing')
        return pr, rx.sinks[0][1].get_static_pad('sink'), requests

    def test_key_unit_requests_in_quick_succession(self):
        """Key unit requests 300 ms apart (a decoder recovering from repeated
        loss) each reach the sender's encoder within 100 ms and are counted
        in inbound-rtp pliCount: each leaves as a PLI at once (through
        rtpsession's early RTCP they took 25-320 ms on this path)."""
        self.rtcpeerbin_only('rtcpeerbin sends PLIs itself')
        pr, decoder_sink, requests = self.video_with_key_unit_requests()
        time.sleep(0.3)
        for k in range(5):
            before = len(requests)
            self.assertTrue(decoder_sink.push_event(force_key_unit()))
            wait_until(lambda: len(requests) > before, timeout=0.1 * SLOW, interval=0.005,
                       what=f'request {k + 1} at the encoder')
            time.sleep(0.3)
        plis = [s.get_value('pli-count') for s in pr.b.stats().values() if stat_type(s) == 'inbound-rtp'
                and s.has_field('pli-count')]
        self.assertGreaterEqual(sum(plis), 5, f'pliCount {plis}')

    def test_inactive_sender_sends_nothing(self):
        """W3C setParameters(): the sender's encoding set active=false stops
        the far side's frames (RTCP goes on); active=true again resumes
        them and asks the encoder for a key frame, so the far side decodes
        at once."""
        self.rtcpeerbin_only('GstRtcRtpSender parameters')
        pr = self.pair(**self.PAIR)
        rx = Receiver(pr, pr.b)
        pad = add_source(pr, pr.a, VIDEO.replace('vp8enc', 'vp8enc name=enc'))
        transceiver = self.transceiver_of(pad)
        enc = pad.get_peer().get_parent_element().get_by_name('enc')
        requests = key_unit_requests(enc)
        pr.negotiate('a')
        pr.wait_connected()
        wait_until(lambda: rx.frames['video'] >= 5, what='video flowing')
        sender = transceiver.get_property('sender')

        def set_active(active):
            flag = 'true' if active else 'false'
            sender.set_property('parameters', Gst.Structure.new_from_string(
                f'parameters, encodings=<(structure)[encoding, active=(boolean){flag}]>'))

        set_active(False)
        time.sleep(0.5 * SLOW)  # what was on its way arrives
        paused = rx.frames['video']
        time.sleep(1.0 * SLOW)
        self.assertEqual(rx.frames['video'], paused, 'frames kept coming from an inactive sender')
        before = len(requests)
        set_active(True)
        wait_until(lambda: rx.frames['video'] >= paused + 10, what='frames again after active=true')
        self.assertGreater(len(requests), before, 'no key frame asked for on resume')
        self.assertEqual(pr.bus_errors, [])

    def test_max_bitrate_caps_the_encoder(self):
        """W3C setParameters() max-bitrate: the encoder upstream of the pad
        (through the payloader) sends at most that many bits per second;
        without the cap its own bitrate is back."""
        self.rtcpeerbin_only('GstRtcRtpSender parameters')
        pr = self.pair(**self.PAIR)
        rx = Receiver(pr, pr.b)
        pad = add_source(pr, pr.a, 'videotestsrc is-live=true pattern=zone-plate kx2=20 ky2=20 kt=1 ! '
                         'video/x-raw,width=320,height=240,framerate=30/1 ! '
                         'vp8enc name=enc deadline=1 target-bitrate=1500000 keyframe-max-dist=30 ! rtpvp8pay pt=96')
        transceiver = self.transceiver_of(pad)
        enc = pad.get_peer().get_parent_element().get_by_name('enc')
        pr.negotiate('a')
        pr.wait_connected()
        wait_until(lambda: rx.frames['video'] >= 5, what='video flowing')
        sender = transceiver.get_property('sender')

        def bytes_sent():
            out = [s for s in pr.a.stats().values() if stat_type(s) == 'outbound-rtp']
            return sum(s.get_uint64('bytes-sent')[1] for s in out)

        def kbits_per_s(seconds=2.0):
            first, start = bytes_sent(), time.monotonic()
            time.sleep(seconds)
            return (bytes_sent() - first) * 8 / (time.monotonic() - start) / 1000

        def cap(bps):
            field = f', max-bitrate=(uint){bps}' if bps else ''
            sender.set_property('parameters', Gst.Structure.new_from_string(
                f'parameters, encodings=<(structure)[encoding, active=(boolean)true{field}]>'))

        free = kbits_per_s()
        self.assertGreater(free, 800, 'the uncapped encoder sent less than the test needs to see a cap')
        cap(150000)
        self.assertEqual(enc.get_property('target-bitrate'), 150000)
        time.sleep(1.0)  # the rate control settles
        capped = kbits_per_s()
        self.assertLess(capped, 300, f'{capped:.0f} kbit/s under a 150 kbit/s max-bitrate (uncapped {free:.0f})')
        frames = rx.frames['video']
        wait_until(lambda: rx.frames['video'] >= frames + 10, what='video still decoded under the cap')
        # The application's own change while capped is what comes back.
        cap(100000)
        self.assertEqual(enc.get_property('target-bitrate'), 100000)
        enc.set_property('target-bitrate', 1200000)
        cap(150000)
        self.assertEqual(enc.get_property('target-bitrate'), 150000)
        cap(0)
        self.assertIn(enc.get_property('target-bitrate'), (1200000,) if not self.estimate_may_cap(pr) else
                      range(150001, 1200001), 'the application\'s new bitrate did not come back')
        enc.set_property('target-bitrate', 1500000)
        cap(150000)
        cap(0)
        # Its own bitrate back, unless the bandwidth estimate (transport-cc)
        # found the path congested and caps it lower (slow sanitizer runs).
        got = enc.get_property('target-bitrate')
        if got != 1500000:
            pairs = [s for s in pr.a.stats().values()
                     if stat_type(s) == 'candidate-pair' and s.has_field('available-outgoing-bitrate')]
            estimate = pairs[0].get_value('available-outgoing-bitrate') if pairs else None
            self.assertTrue(estimate is not None and 150000 < got <= estimate,
                            f'the encoder did not get its bitrate back: {got} (estimate {estimate})')
        self.assertEqual(pr.bus_errors, [])
        self.assertEqual(pr.bus_warnings, [])

    @staticmethod
    def estimate_may_cap(pr):
        """Whether a's bandwidth estimate is under what 1.5 Mbit/s video
        needs: if the path ever looked congested (slow sanitizer runs
        congest even loopback) the bin caps the encoder to it."""
        pairs = [s for s in pr.a.stats().values()
                 if stat_type(s) == 'candidate-pair' and s.has_field('available-outgoing-bitrate')]
        return bool(pairs) and pairs[0].get_value('available-outgoing-bitrate') < 1500000 / 0.85

    def test_max_bitrate_without_a_known_encoder_warns(self):
        """A max-bitrate rtcpeerbin cannot apply (G.711's encoder has no
        bitrate) is a GST_RTC_ERROR NOT_SUPPORTED warning on the bus, not
        silently kept."""
        self.rtcpeerbin_only('GstRtcRtpSender parameters')
        pr = self.pair(**self.PAIR)
        pad = add_source(pr, pr.a, 'audiotestsrc is-live=true ! mulawenc ! rtppcmupay pt=0')
        transceiver = self.transceiver_of(pad)
        pr.negotiate('a')
        pr.wait_connected()
        transceiver.get_property('sender').set_property('parameters', Gst.Structure.new_from_string(
            'parameters, encodings=<(structure)[encoding, active=(boolean)true, max-bitrate=(uint)32000]>'))
        wait_until(lambda: pr.bus_warnings, what='a warning about the max-bitrate')
        (source, err), = pr.bus_warnings
        self.assertEqual(source, pr.a.el.get_name())
        self.assertEqual((err.domain, err.code), (rtc_error_domain(), int(GstRtc.Error.NOT_SUPPORTED)), err)
        self.assertIn('mulawenc', err.message)

    def test_lost_video_asks_for_a_key_frame(self):
        """Half a second of video lost for good (retransmissions too): the
        receiver's jitter buffer gives the gap up and asks for a key unit,
        which reaches the sender's encoder as PLI -> GstForceKeyUnit, and
        the far side decodes again."""
        self.rtcpeerbin_only('reaches into rtcpeerbin to lose packets')
        pr = self.pair(props_b={'latency': 100}, **self.PAIR)
        rx = Receiver(pr, pr.b)
        pad = add_source(pr, pr.a, VIDEO.replace('vp8enc', 'vp8enc name=enc'))
        self.transceiver_of(pad)
        enc = pad.get_peer().get_parent_element().get_by_name('enc')
        requests = key_unit_requests(enc)
        pr.negotiate('a')
        outage = {'on': False}

        def lose(_pad, info):
            # Media lost in the outage, every retransmission lost.
            pt = info.get_buffer().extract_dup(0, 2)[1] & 0x7f
            if pt == 97 or (outage['on'] and pt == 96):
                return Gst.PadProbeReturn.DROP
            return Gst.PadProbeReturn.OK

        enc_a = next(e for e in pr.a.el.children if e.get_factory().get_name() == 'rtcdtlssrtpenc')
        enc_a.get_static_pad('rtp_sink_0').add_probe(Gst.PadProbeType.BUFFER, lose)
        pr.wait_connected()
        wait_until(lambda: rx.frames['video'] >= 10, what='video flowing')
        time.sleep(0.5 * SLOW)
        outage['on'] = True
        time.sleep(0.5)
        outage['on'] = False
        ended = time.monotonic()
        frames = rx.frames['video']
        wait_until(lambda: any(t > ended for t in requests), what='GstForceKeyUnit at the encoder after the loss')
        wait_until(lambda: rx.frames['video'] >= frames + 10, what='decoding again')
        self.assertEqual(pr.bus_errors, [])

    def test_tracks_grouped_in_media_streams(self):
        """W3C MediaStreams (a=msid): the bin's audio and video go out in
        one stream, so a browser plays them in sync; a pad's `msid` puts its
        track in a stream of its own choosing. On the far side each src pad
        names its track's stream, and the pads of one stream share their
        stream-start group id (they belong together, as a demuxer's do)."""
        self.rtcpeerbin_only('rtcpeerbin pad msid')
        pr = self.pair(**self.PAIR)
        got = []
        pr.b.el.connect('pad-added', lambda _el, pad: got.append(pad) if pad.get_direction() == Gst.PadDirection.SRC else None)
        for desc in (VIDEO, AUDIO):
            self.transceiver_of(add_source(pr, pr.a, desc))
        own = pr.a.el.request_pad_simple('sink_%u')
        own.set_property('msid', 'commentary')
        src = Gst.parse_bin_from_description(AUDIO.replace('wave=sine', 'wave=square'), True)
        pr.pipeline.add(src)
        self.assertEqual(src.get_static_pad('src').link(own), Gst.PadLinkReturn.OK)
        src.sync_state_with_parent()
        self.transceiver_of(own)
        offer, _answer = pr.negotiate('a')
        streams = [line.split()[0][len('a=msid:'):] for line in offer.splitlines() if line.startswith('a=msid:')]
        self.assertEqual(len(streams), 3, offer)
        self.assertEqual(streams[0], streams[1], 'audio and video in one stream')
        self.assertEqual(streams[2], 'commentary')
        pr.wait_connected()
        wait_until(lambda: len(got) == 3 and all(p.get_sticky_event(Gst.EventType.STREAM_START, 0) for p in got),
                   what='three src pads with stream-start')
        by_stream = {}
        for pad in got:
            ok, group = pad.get_sticky_event(Gst.EventType.STREAM_START, 0).parse_group_id()
            self.assertTrue(ok, f'{pad.get_name()} has no group id')
            by_stream.setdefault(pad.get_property('msid'), set()).add(group)
        self.assertEqual(set(by_stream), {streams[0], 'commentary'})
        self.assertEqual(len(by_stream[streams[0]]), 1, 'one group id for the shared stream')
        self.assertNotEqual(by_stream[streams[0]], by_stream['commentary'])
        self.assertEqual(pr.bus_errors, [])

    def test_video_orientation_reaches_the_far_side(self):
        """A camera's image-orientation tag (a phone held sideways) goes out
        as the video orientation extension (3GPP CVO, urn:3gpp:video-
        orientation) on the frames' last packets and comes out of the far
        src pad as the same tag, before the frames it applies to, for
        videoflip video-direction=auto to turn the picture."""
        self.rtcpeerbin_only('rtcpeerbin writes and reads CVO')
        if not have_element('taginject'):
            self.skipTest('taginject (gst-plugins-good) missing')
        pr = self.pair(**self.PAIR)
        seen = []

        def tags(_pad, info):
            ev = info.get_event()
            if ev.type == Gst.EventType.TAG:
                ok, value = ev.parse_tag().get_string(Gst.TAG_IMAGE_ORIENTATION)
                if ok:
                    seen.append(value)
            return Gst.PadProbeReturn.OK

        sink_far_pads(pr, pr.b, Gst.PadProbeType.EVENT_DOWNSTREAM, tags)
        self.transceiver_of(add_source(pr, pr.a, VIDEO.replace(
            'vp8enc', 'taginject tags="image-orientation=rotate-90" ! vp8enc')))
        offer, _answer = pr.negotiate('a')
        self.assertIn('urn:3gpp:video-orientation', offer)
        pr.wait_connected()
        wait_until(lambda: 'rotate-90' in seen, what=f'image-orientation on the far pad ({seen})')
        self.assertEqual(pr.bus_errors, [])

    def test_audio_level_reaches_the_far_side(self):
        """rtcaudiolevel before the encoder measures the microphone's level;
        the packets carry it in the RFC 6464 extension (urn:ietf:params:rtp-
        hdrext:ssrc-audio-level, what SFUs pick the active speaker by) and
        the far src pad's packets come with it as GstAudioLevelMeta, voice
        flag included, and as the inbound-rtp audio-level stat. A sine at
        half scale is -9 dBov; silence is 127 with no voice."""
        self.rtcpeerbin_only('rtcpeerbin writes and reads the audio level')
        pr = self.pair(**self.PAIR)
        levels = []

        def meta(_pad, info):
            m = GstAudio.buffer_get_audio_level_meta(info.get_buffer())
            if m:
                levels.append((m.level, m.voice_activity))
            return Gst.PadProbeReturn.OK

        sink_far_pads(pr, pr.b, Gst.PadProbeType.BUFFER, meta)
        src = 'audiotestsrc is-live=true wave=sine volume=0.5 name=tone ! rtcaudiolevel ! opusenc ! rtpopuspay pt=111'
        pad = add_source(pr, pr.a, src)
        self.transceiver_of(pad)
        offer, _answer = pr.negotiate('a')
        self.assertIn('urn:ietf:params:rtp-hdrext:ssrc-audio-level', offer)
        pr.wait_connected()
        wait_until(lambda: len(levels) >= 10, what=f'audio level metas on the far pad ({levels[:3]})')
        self.assertTrue(all(8 <= lv <= 10 and voice for lv, voice in levels[2:10]), levels[:10])
        inbound = [s for s in pr.b.stats().values() if stat_type(s) == 'inbound-rtp']
        self.assertEqual(len(inbound), 1)
        ok, level = inbound[0].get_double('audio-level')
        self.assertTrue(ok, inbound[0].to_string())
        self.assertAlmostEqual(level, 10 ** (-9 / 20), delta=0.05)
        # The source goes quiet: 127 (silence), no voice.
        pad.get_peer().get_parent_element().get_by_name('tone').set_property('volume', 0.0)
        count = len(levels)
        wait_until(lambda: len(levels) > count + 10 and levels[-1] == (127, False),
                   what=f'silence on the far pad ({levels[-3:]})')
        self.assertEqual(pr.bus_errors, [])

    def test_simulcast_layers_sent_and_received(self):
        """Two encoders at two sizes linked to sink pads with `rid` l and h:
        one transceiver sends both as simulcast (a=simulcast:send l;h, each
        layer on its own SSRC named by its RID); the far bin answers recv
        l;h and gives each layer a src pad named by its rid, decoded at its
        own size."""
        self.rtcpeerbin_only('simulcast layers on rtcpeerbin sink pads')
        pr = self.pair(**self.PAIR)
        layers = LayerReceiver(pr, pr.b)
        transceivers = set()
        for rid, (w, h) in (('l', (160, 120)), ('h', (320, 240))):
            sink = add_layer(pr, pr.a, rid, f'videotestsrc is-live=true ! video/x-raw,width={w},height={h},'
                             'framerate=30/1 ! vp8enc deadline=1 keyframe-max-dist=30 ! rtpvp8pay pt=96')
            transceivers.add(self.transceiver_of(sink))
        self.assertEqual(len(transceivers), 1, 'the layers share one transceiver')
        params = transceivers.pop().get_property('sender').get_property('parameters').to_string()
        self.assertEqual(re.findall(r'rid\W+string\W+(\w+)', params), ['l', 'h'], params)
        offer, answer = pr.negotiate('a')
        self.assertRegex(offer, r'a=simulcast:send l;h\r?\n')
        self.assertNotRegex(offer.split('m=video')[1], r'a=ssrc:')
        self.assertRegex(answer, r'a=simulcast:recv l;h\r?\n')
        pr.wait_connected()

        try:
            wait_until(lambda: min(layers.frames('l'), layers.frames('h')) >= 15, what='15 decoded frames of each layer')
        except AssertionError:
            self.fail(f'layers decoded: {layers.decoded}')
        self.assertEqual(layers.size('l'), (160, 120))
        self.assertEqual(layers.size('h'), (320, 240))
        # W3C: an outbound-rtp per layer, with its rid.
        out = [s for s in pr.a.stats().values() if stat_type(s) == 'outbound-rtp']
        layers = {s.get_string('rid'): (s.get_uint('ssrc')[1], s.get_uint64('packets-sent')[1]) for s in out}
        self.assertEqual(sorted(layers), ['h', 'l'], [s.to_string() for s in out])
        self.assertNotEqual(layers['l'][0], layers['h'][0])
        self.assertTrue(all(packets > 0 for _, packets in layers.values()), layers)
        self.assertEqual(pr.bus_errors, [])


if __name__ == '__main__':
    main()
