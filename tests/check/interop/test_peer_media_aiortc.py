#!/usr/bin/python3
"""Media between rtcpeerbin and aiortc (Debian python3-aiortc 1.4) running
in a subprocess (aiortc_peer.py, JSON lines over a pipe): VP8 + Opus both
ways with each side offering first, NACK + RTX repairing 5 % loss both
ways, and keyframe requests (RTCP PLI) both ways.

Our side links vp8enc and opusenc straight into sink pads (rtcpay inside)
and decodes what its src pads carry (depayloader and decoder by
encoding-name); aiortc sends tracks of its own (a 352x288 gradient, a
440 Hz sine) and decodes ours through track.recv(). What is asserted is
what a user sees: decoded frames of the size that was sent, on both sides.

Runs in run-in-netns.sh's loopback-only namespace. AIORTC_PEER_LOG=DEBUG
prints aiortc's own log after each test.
"""
import os
import re
import sys
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'pipelines'))
sys.path.insert(0, HERE)
from peer_harness import Gst, Peer, PeerTestCase, SLOW, TIMEOUT, have_element, main, wait_until  # noqa: E402
from sdp_interop import only_loopback  # noqa: E402
import test_peer_aiortc as base  # noqa: E402  (module import: its test class is not run here)

OURS = os.environ.get('GST_RTC_PEER_ELEMENT', 'rtcpeerbin')
NEEDED = ('videotestsrc', 'vp8enc', 'audiotestsrc', 'opusenc', 'rtpvp8depay', 'vp8dec',
          'rtpopusdepay', 'opusdec')
OUR_SIZE = (320, 240)
THEIR_SIZE = (352, 288)
VIDEO = (f'videotestsrc is-live=true pattern=ball ! video/x-raw,width={OUR_SIZE[0]},height={OUR_SIZE[1]},'
         'framerate=30/1 ! vp8enc deadline=1 keyframe-max-dist=30')
AUDIO = 'audiotestsrc is-live=true wave=sine ! opusenc'
FRAMES = 15


def payload_type(sdp, kind, encoding):
    """The payload type `sdp` maps to `encoding` in its `kind` m-line."""
    section = re.search(rf'^m={kind} .*?(?=^m=|\Z)', sdp, re.M | re.S)
    assert section, f'no m={kind} in\n{sdp}'
    m = re.search(rf'^a=rtpmap:(\d+) {encoding}/', section.group(0), re.M | re.I)
    assert m, f'no {encoding} in m={kind}:\n{section.group(0)}'
    return int(m.group(1))


def direction(sdp, kind):
    section = re.search(rf'^m={kind} .*?(?=^m=|\Z)', sdp, re.M | re.S).group(0)
    return re.search(r'^a=(sendrecv|sendonly|recvonly|inactive)', section, re.M).group(1)


class Decoder:
    """What our src pads carry, depayloaded and decoded by the chain for
    its encoding-name: frames counted per media with the raw caps they
    came in."""

    CHAINS = {'VP8': 'rtpvp8depay ! vp8dec', 'OPUS': 'rtpopusdepay ! opusdec'}

    def __init__(self, pipeline, peer):
        self.pipeline = pipeline
        self.lock = threading.Lock()
        self.frames = {'video': 0, 'audio': 0}
        self.caps = {}
        self.pads = []  # (src pad, media, encoding-name)
        self.bins = {}  # media -> the decoding bin
        peer.el.connect('pad-added', self._on_pad)

    def _on_pad(self, el, pad):
        if pad.get_direction() != Gst.PadDirection.SRC:
            return
        s = (pad.get_current_caps() or pad.query_caps(None)).get_structure(0)
        media, enc = s.get_string('media'), (s.get_string('encoding-name') or '').upper()
        with self.lock:
            self.pads.append((pad, media, enc))
        chain = self.CHAINS.get(enc)
        if chain is None:
            return  # counted as a pad; nothing decodes it (a test fails on that)
        dec = Gst.parse_bin_from_description(f'queue ! {chain} ! fakesink name=sink sync=false async=false '
                                             'signal-handoffs=true', True)
        sink = dec.get_by_name('sink')
        sink.connect('handoff', lambda _s, _b, p: self._count(media, p))
        with self.lock:
            self.bins[media] = dec
        self.pipeline.add(dec)
        dec.sync_state_with_parent()
        pad.link(dec.get_static_pad('sink'))

    def _count(self, media, pad):
        if media is None:
            return
        caps = pad.get_current_caps()
        with self.lock:
            self.frames[media] += 1
            if caps is not None:
                self.caps[media] = caps.get_structure(0)

    def size(self):
        with self.lock:
            s = self.caps.get('video')
            return (s.get_int('width')[1], s.get_int('height')[1]) if s is not None else None

    def rate(self):
        with self.lock:
            s = self.caps.get('audio')
            return s.get_int('rate')[1] if s is not None else None


@unittest.skipIf(base.IMPORT_ERROR is not None, base.IMPORT_ERROR or '')
@unittest.skipUnless(only_loopback() or os.environ.get('GST_RTC_INTEROP_ALLOW_HOST_NETWORK') == '1',
                     'not in a loopback-only network namespace (run through run-in-netns.sh)')
class MediaWithAiortc(PeerTestCase):
    # Per test (times GST_RTC_TEST_SLOW, at most 100 s): a loaded 2-core
    # machine encodes and decodes VP8 on both sides.
    DEADLINE = 60.0

    def setUp(self):
        super().setUp()
        missing = [e for e in NEEDED if not have_element(e)]
        if missing:
            self.skipTest(f'missing GStreamer elements: {missing}')
        self.pipeline = Gst.Pipeline.new(None)
        self.bus_errors = []
        bus = self.pipeline.get_bus()
        bus.enable_sync_message_emission()
        self.bus_handler = bus.connect('sync-message::error', self._on_error)
        self.them = base.Aiortc()
        self.ours = None

    def _on_error(self, bus, msg):
        err, dbg = msg.parse_error()
        self.bus_errors.append(f'{msg.src.get_name()}: {err.message} ({dbg})')

    def tearDown(self):
        self.them.stop()
        if os.environ.get('AIORTC_PEER_LOG'):
            sys.stderr.write(''.join(self.them.stderr))
        if self.ours is not None:
            self.ours.close()
        bus = self.pipeline.get_bus()
        bus.disconnect(self.bus_handler)
        bus.disable_sync_message_emission()
        self.pipeline.set_state(Gst.State.NULL)
        if self.ours is not None:
            self.ours.dispose()
        super().tearDown()

    # --- helpers -------------------------------------------------------------
    def make_ours(self, props=None):
        self.ours = Peer(OURS, 'ours', trickle=False, props=props)
        self.pipeline.add(self.ours.el)
        self.rx = Decoder(self.pipeline, self.ours)
        self.pipeline.set_state(Gst.State.PLAYING)

    def add_source(self, description):
        """An encoder's output linked straight into a sink pad; returns the
        pad once its transceiver exists."""
        src = Gst.parse_bin_from_description(description, True)
        self.pipeline.add(src)
        pad = self.ours.el.request_pad_simple('sink_%u')
        self.assertEqual(src.get_static_pad('src').link(pad), Gst.PadLinkReturn.OK)
        src.sync_state_with_parent()
        wait_until(pad.has_current_caps, what=f'caps on {pad.get_name()}')
        wait_until(lambda: pad.get_property('transceiver'), what=f'{pad.get_name()} transceiver')
        return pad

    def ask(self, event, **cmd):
        """Send a command; the first `event` reported after it."""
        with self.them.lock:
            seen = len(self.them.events)
        self.them.send(**cmd)

        def find():
            with self.them.lock:
                return next((e for e in self.them.events[seen:] if e.get('event') == event), None)
        return wait_until(find, TIMEOUT, f'aiortc {event} after {cmd}')

    def their_count(self, kind):
        with self.them.lock:
            return max((e['count'] for e in self.them.events if e.get('event') == 'frames' and e['kind'] == kind),
                       default=0)

    def their_frames(self, kind, n):
        return self.them.wait(lambda e: e.get('event') == 'frames' and e['kind'] == kind and e['count'] >= n,
                              f'{n} decoded {kind} frames', timeout=2 * TIMEOUT)

    def our_frames(self, kind, n):
        wait_until(lambda: self.rx.frames[kind] >= n, 2 * TIMEOUT,
                   f'{n} decoded {kind} frames on our side (have {self.rx.frames})')

    def ours_offer(self, video=VIDEO):
        """Our VP8 + Opus offer (sendrecv), aiortc's answer sending its own
        tracks on the offered m-lines; returns (offer, answer)."""
        self.video_pad = self.add_source(video)
        self.add_source(AUDIO)
        self.them.send(cmd='tracks', kinds=['video', 'audio'], width=THEIR_SIZE[0], height=THEIR_SIZE[1])
        _, offer = self.ours.create('offer')
        self.ours.set_local('offer', offer)
        self.ours.wait_gathered()
        offer = self.ours.local_description_text()
        self.them.send(type='offer', sdp=offer)
        answer = self.them.wait(lambda e: e.get('type') == 'answer', 'answer')['sdp']
        self.ours.set_remote('answer', answer)
        self.ours.wait_state('connected', timeout=2 * TIMEOUT)
        return offer, answer

    def both_ways(self):
        """Decoded media on both sides, of the size and rate sent."""
        for kind in ('video', 'audio'):
            self.them.wait(lambda e: e.get('event') == 'track' and e['kind'] == kind, f'{kind} track')
        video = self.their_frames('video', FRAMES)
        self.assertEqual((video['width'], video['height']), OUR_SIZE, 'aiortc decodes our video at its size')
        audio = self.their_frames('audio', FRAMES)
        self.assertEqual(audio['rate'], 48000)
        self.our_frames('video', FRAMES)
        self.our_frames('audio', FRAMES)
        self.assertEqual(self.rx.size(), THEIR_SIZE, 'we decode aiortc\'s video at its size')
        self.assertEqual(self.rx.rate(), 48000)
        self.assertEqual(sorted((m, e) for _, m, e in self.rx.pads), [('audio', 'OPUS'), ('video', 'VP8')])
        for pad, _, _ in self.rx.pads:
            self.assertIsNotNone(pad.get_property('transceiver'), f'{pad.get_name()} has its transceiver')

    # --- tests ---------------------------------------------------------------
    def test_ours_offers_vp8_opus_both_ways(self):
        self.make_ours()
        offer, answer = self.ours_offer()
        for kind, enc in (('video', 'VP8'), ('audio', 'opus')):
            self.assertEqual(payload_type(answer, kind, enc), payload_type(offer, kind, enc))
            self.assertEqual(direction(offer, kind), 'sendrecv')
            self.assertEqual(direction(answer, kind), 'sendrecv')
        self.both_ways()
        self.assertEqual(self.bus_errors, [])

    def test_aiortc_offers_vp8_opus_both_ways(self):
        """aiortc's offer lists VP8 and H.264 (video), Opus, PCMU and PCMA
        (audio) with its own payload types: our answer picks our pads'
        codecs under aiortc's numbers."""
        self.make_ours()
        self.them.send(cmd='tracks', kinds=['video', 'audio'], width=THEIR_SIZE[0], height=THEIR_SIZE[1])
        self.them.send(cmd='offer')
        offer = self.them.wait(lambda e: e.get('type') == 'offer', 'offer')['sdp']
        self.ours.set_remote('offer', offer)
        # Our pads take the m-lines the offer made (and send on them).
        self.add_source(VIDEO)
        self.add_source(AUDIO)
        _, answer = self.ours.create('answer')
        self.ours.set_local('answer', answer)
        self.ours.wait_gathered()
        answer = self.ours.local_description_text()
        self.them.send(type='answer', sdp=answer)
        self.them.wait(lambda e: e.get('event') == 'applied', 'answer applied')
        for kind, enc in (('video', 'VP8'), ('audio', 'opus')):
            self.assertEqual(payload_type(answer, kind, enc), payload_type(offer, kind, enc))
            self.assertEqual(direction(answer, kind), 'sendrecv')
        # aiortc sends the first format of the answer's m=video: VP8, what
        # our pad sends too.
        self.assertEqual(int(re.search(r'^m=video \d+ \S+ (\d+)', answer, re.M).group(1)),
                         payload_type(offer, 'video', 'VP8'))
        self.ours.wait_state('connected', timeout=2 * TIMEOUT)
        self.both_ways()
        self.assertEqual(self.bus_errors, [])

    def test_nack_and_rtx_repair_losses_both_ways(self):
        """5 % of the VP8 packets are lost each way (in aiortc: ours after
        decryption, before its receiver sees them; its own before
        encryption; retransmissions spared). aiortc's receiver NACKs what
        it missed and our RTX brings it back; our receiver NACKs what
        aiortc lost and aiortc's RTX brings that back before our 300 ms
        jitter buffer gives up. The picture keeps moving on both sides.
        Both losses are made inside aiortc: nothing reaches into the bin."""
        # A lossy path wants a longer jitter buffer than the 50 ms default
        # (docs/peer.md): room for a NACK round trip and the retransmission.
        self.make_ours(props={'latency': int(300 * SLOW)})
        offer, answer = self.ours_offer()
        for sdp in (offer, answer):
            self.assertIn('rtx/90000', sdp)
            self.assertIn('a=ssrc-group:FID', sdp)
        vp8 = payload_type(answer, 'video', 'VP8')
        self.their_frames('video', 5)
        self.our_frames('video', 5)

        # What leaves our video pad after the jitter buffer (RTX unwrapped
        # into the original sequence numbers).
        seqs = []
        video_pad = next(p for p, m, _ in self.rx.pads if m == 'video')
        video_pad.add_probe(Gst.PadProbeType.BUFFER,
                            lambda _p, info: seqs.append(int.from_bytes(info.get_buffer().extract_dup(2, 2), 'big'))
                            or Gst.PadProbeReturn.OK)
        for way in ('in', 'out'):
            losing = self.ask('losing', cmd='lose', kind='video', way=way, rate=0.05, seed=4588)
            self.assertEqual(losing['pts'], [vp8], 'VP8 packets are lost, not their retransmissions')
        start = len(seqs)
        ours_before, theirs_before = self.rx.frames['video'], self.their_count('video')

        def enough():
            r = self.ask('report', cmd='report')
            return len(r['lost']) >= 10 and len(r['lost_in']) >= 10
        wait_until(enough, timeout=30 * SLOW, interval=0.5, what='10 losses each way')
        for way in ('in', 'out'):
            self.ask('losing', cmd='lose', kind='video', way=way, rate=0.0)
        # Let the last retransmissions land (a few round trips and more
        # than our jitter buffer's latency).
        time.sleep(0.8 * SLOW)
        r = self.ask('report', cmd='report')
        # Towards aiortc: every loss NACKed, nearly every one repaired.
        lost_in = set(r['lost_in'])
        not_nacked = sorted(lost_in - set(r['nacked']))
        not_repaired = sorted(lost_in - set(r['rtx']))
        self.assertEqual(not_nacked, [], f'aiortc NACKs every loss ({len(lost_in)} lost)')
        self.assertLessEqual(len(not_repaired), len(lost_in) // 2,
                             f'our RTX repairs what aiortc NACKed: {len(lost_in)} lost, not back: {not_repaired}')
        # Towards us: aiortc retransmits what we NACK; after our jitter
        # buffer many of its losses are back. Not all: rtpsession's
        # early-RTCP limit can delay a NACK past the buffer (docs/peer.md),
        # and on a loaded machine retransmissions come late. Without RTX
        # none would be (nothing else resends a packet aiortc dropped).
        self.assertGreater(r['retransmitted'], 0, 'aiortc got our NACKs and retransmitted')
        lost_out = set(r['lost'])
        back = lost_out & set(seqs[start:])
        self.assertGreaterEqual(len(back), len(lost_out) // 3,
                                f'aiortc lost {len(lost_out)}, only {len(back)} back after our jitter buffer '
                                f'({r["retransmitted"]} retransmissions asked; lost {sorted(lost_out)}, '
                                f'received {seqs[start]}..{seqs[-1]})')
        print(f'\n  towards aiortc: {len(lost_in)} lost, {len(lost_in) - len(not_repaired)} back by RTX; '
              f'towards us: {len(lost_out)} lost, {r["retransmitted"]} retransmissions, {len(back)} back; '
              f'PLIs sent by aiortc {r["plis_sent"]}, received {r["plis_received"]}', file=sys.stderr)
        # And the picture never stopped.
        self.our_frames('video', ours_before + 30)
        self.their_frames('video', theirs_before + 30)
        self.assertEqual(self.bus_errors, [])


    def test_keyframe_requests_both_ways(self):
        """aiortc's receiver asks for a keyframe (RTCP PLI, what it does on
        an undecodable frame): our vp8enc gets a GstForceKeyUnit. Our
        decoder's key unit request leaves as PLI: aiortc's sender is told
        to make its next frame a keyframe."""
        self.make_ours()
        self.ours_offer(video=VIDEO.replace('vp8enc', 'vp8enc name=enc'))
        self.their_frames('video', 5)
        self.our_frames('video', 5)
        enc = self.video_pad.get_peer().get_parent_element().get_by_name('enc')
        requests = []

        def upstream(_pad, info):
            ev = info.get_event()
            st = ev.get_structure()
            if ev.type == Gst.EventType.CUSTOM_UPSTREAM and st and st.get_name() == 'GstForceKeyUnit':
                requests.append(st.to_string())
            return Gst.PadProbeReturn.OK

        enc.get_static_pad('src').add_probe(Gst.PadProbeType.EVENT_UPSTREAM, upstream)
        sent = self.ask('pli-sent', cmd='pli', kind='video')
        self.assertEqual(len(sent['ssrcs']), 1, 'aiortc receives one video stream from us')
        wait_until(lambda: requests, what='GstForceKeyUnit at our encoder after aiortc\'s PLI')

        before = self.ask('report', cmd='report')['plis_received']
        ask = Gst.Event.new_custom(Gst.EventType.CUSTOM_UPSTREAM,
                                   Gst.Structure.new_from_string('GstForceKeyUnit, all-headers=(boolean)true'))
        reports = []

        def told():
            # A decoder that still cannot decode asks again: once a second.
            if len(reports) % 5 == 0:
                self.assertTrue(self.rx.bins['video'].get_static_pad('sink').push_event(ask.copy()))
            reports.append(self.ask('report', cmd='report'))
            return reports[-1]['plis_received'] > before
        try:
            wait_until(told, interval=0.2, what='aiortc\'s video sender told of our PLI')
        except AssertionError as e:
            raise AssertionError(f'{e}; RTCP aiortc received: {reports[-1]["rtcp_in"]}') from None
        self.assertEqual(self.bus_errors, [])


if __name__ == '__main__':
    main()
