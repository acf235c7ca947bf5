#!/usr/bin/python3
"""get-stats with media flowing: the W3C codec, outbound-rtp, inbound-rtp,
remote-inbound-rtp, remote-outbound-rtp and media-source objects of two
peers sending VP8 + Opus to each other, checked against each other (what
one side sent is what the other received), against the negotiation (codec
payload types and mime types), under injected loss (losses, NACKs and
retransmissions counted) and with a pad selector (one stream's objects).
"""
import os
import random
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_harness import (SLOW, TIMEOUT, Gst, PeerTestCase, Reply, have_element, main, stat_type,  # noqa: E402
                          wait_until)  # noqa: E402
from test_peer_media import AUDIO, NEEDED, VIDEO, Receiver, add_source  # noqa: E402

RTP_TYPES = ('codec', 'outbound-rtp', 'inbound-rtp', 'remote-inbound-rtp', 'remote-outbound-rtp', 'media-source')
MIME = {'video': 'video/VP8', 'audio': 'audio/opus'}


def stats_of(peer, pad=None):
    """get-stats(pad) as {id: structure}; the Reply when it is an error."""
    r = peer.call('get-stats', pad)
    if r.error is not None:
        return r
    out = {}
    s = r.structure
    for i in range(s.n_fields()):
        name = s.nth_field_name(i)
        v = s.get_value(name)
        if isinstance(v, Gst.Structure):
            out[name] = v.copy()
    return out


def of_type(stats, t, kind=None):
    return [s for s in stats.values() if stat_type(s) == t and (kind is None or s.get_value('kind') == kind)]


def one(stats, t, kind):
    found = of_type(stats, t, kind)
    assert len(found) == 1, f'expected one {kind} {t}, have {[s.to_string() for s in found]}'
    return found[0]


def field(s, name, default=None):
    return s.get_value(name) if s is not None and s.has_field(name) else default


def force_full_rtcp(peer):
    """Has the peer's RTP sessions send a compound RTCP packet (SR/RR) now."""
    for e in peer.el.children:
        if e.get_factory() is not None and e.get_factory().get_name() == 'rtpbin':
            session = e.emit('get-internal-session', 0)
            if session is not None:
                session.emit('send-rtcp-full', 0)


def rtpmap(sdp, codec):
    """The payload type an SDP maps `codec` (e.g. 'VP8/90000') to."""
    for line in sdp.splitlines():
        if line.startswith('a=rtpmap:') and line.split(' ', 1)[1].strip().startswith(codec):
            return int(line[len('a=rtpmap:'):].split(' ')[0])
    raise AssertionError(f'no rtpmap for {codec}')


class Stats(PeerTestCase):
    def setUp(self):
        super().setUp()
        if os.environ.get('GST_RTC_PEER_ELEMENT', 'rtcpeerbin') != 'rtcpeerbin':
            self.skipTest('rtcpeerbin field names (kebab-case W3C members)')
        missing = [e for e in NEEDED if not have_element(e)]
        if missing:
            self.skipTest(f'missing GStreamer elements: {missing}')

    def sending_pair(self, both=True):
        """a sends VP8 + Opus to b (and b to a when `both`); returns the
        pair, the offer, a's sink pads {kind: pad} and the receivers."""
        pr = self.pair()
        rx_a, rx_b = Receiver(pr, pr.a), Receiver(pr, pr.b)
        pads = {'video': add_source(pr, pr.a, VIDEO), 'audio': add_source(pr, pr.a, AUDIO)}
        for pad in pads.values():
            wait_until(lambda: pad.get_property('transceiver'), what=f'a {pad.get_name()} transceiver')
        offer, _ = pr.negotiate('a')
        if both:
            # The answerer's pads take the m-lines of a's offer (sendrecv
            # after b's own offer).
            for pad in (add_source(pr, pr.b, VIDEO), add_source(pr, pr.b, AUDIO)):
                wait_until(lambda: pad.get_property('transceiver'), what=f'b {pad.get_name()} transceiver')
            pr.negotiate('b')
        pr.wait_connected()
        # What a user watching get-stats sees: both kinds arriving (the
        # first call also starts recording the peer's RTCP reports).
        def arriving(peer):
            inbound = of_type(stats_of(peer), 'inbound-rtp')
            return len(inbound) == 2 and all(s.get_value('packets-received') >= 20 for s in inbound)

        for receiver in ((pr.b, pr.a) if both else (pr.b,)):
            wait_until(lambda: arriving(receiver), interval=0.1,
                       what=f'video and audio packets received on {receiver.name}')
        return pr, offer, pads, rx_a, rx_b

    def assert_references_resolve(self, stats, who):
        for sid, s in stats.items():
            self.assertEqual(field(s, 'id'), sid, f'{who}: object keyed by its id')
            for i in range(s.n_fields()):
                name = s.nth_field_name(i)
                if name.endswith('-id'):
                    self.assertIn(s.get_value(name), stats,
                                  f'{who}: {sid}.{name} names an object the report lacks')

    def test_counters_agree_across_peers(self):
        """a's outbound streams are b's inbound ones (same SSRC, packets
        within in-flight slack), codecs resolve to what the SDP agreed,
        counters grow between calls, ids stay."""
        pr, offer, pads, _, _ = self.sending_pair()
        pts = {'video': rtpmap(offer, 'VP8/90000'), 'audio': rtpmap(offer, 'opus/48000')}
        sent_before = stats_of(pr.a)
        received = stats_of(pr.b)
        sent_after = stats_of(pr.a)
        for stats, who in ((sent_before, 'a'), (received, 'b'), (sent_after, 'a')):
            self.assert_references_resolve(stats, who)
        for kind in ('video', 'audio'):
            out1, inb, out2 = (one(sent_before, 'outbound-rtp', kind), one(received, 'inbound-rtp', kind),
                               one(sent_after, 'outbound-rtp', kind))
            self.assertEqual(inb.get_value('ssrc'), out1.get_value('ssrc'), f'{kind}: b receives the SSRC a sends')
            self.assertGreater(out1.get_value('packets-sent'), 20, kind)
            # In flight between the calls: a few frames' worth.
            slack = 40
            self.assertLessEqual(inb.get_value('packets-received'), out2.get_value('packets-sent'), kind)
            self.assertGreaterEqual(inb.get_value('packets-received'), out1.get_value('packets-sent') - slack,
                                    f'{kind}: b received what a sent ({inb.to_string()} / {out1.to_string()})')
            self.assertLessEqual(inb.get_value('bytes-received'), out2.get_value('bytes-sent'), kind)
            self.assertEqual(out1.get_value('mid'), inb.get_value('mid'), kind)
            for s, stats in ((out1, sent_before), (inb, received)):
                codec = stats[s.get_value('codec-id')]
                self.assertEqual(stat_type(codec), 'codec')
                self.assertEqual(codec.get_value('mime-type'), MIME[kind])
                self.assertEqual(codec.get_value('payload-type'), pts[kind], f'{kind}: the negotiated payload type')
                self.assertEqual(codec.get_value('clock-rate'), 90000 if kind == 'video' else 48000)
                self.assertEqual(stat_type(stats[s.get_value('transport-id')]), 'transport')
            source = sent_before[out1.get_value('media-source-id')]
            self.assertEqual((stat_type(source), source.get_value('kind')), ('media-source', kind))
            # The receiver's track is the one the sender's source announced (a=msid).
            self.assertEqual(field(inb, 'track-identifier'), source.get_value('track-identifier'), kind)
        self.assertEqual(len(of_type(sent_before, 'media-source')), 2)
        time.sleep(0.5)
        later_a, later_b = stats_of(pr.a), stats_of(pr.b)
        for kind in ('video', 'audio'):
            self.assertGreater(one(later_a, 'outbound-rtp', kind).get_value('bytes-sent'),
                               one(sent_after, 'outbound-rtp', kind).get_value('bytes-sent'), f'{kind} bytes-sent grows')
            self.assertGreater(one(later_b, 'inbound-rtp', kind).get_value('bytes-received'),
                               one(received, 'inbound-rtp', kind).get_value('bytes-received'),
                               f'{kind} bytes-received grows')
        # Video frames (a frame's last packet has the marker): what b
        # received is what a had sent, within the frames in flight, and
        # b decoded about as many.
        frames_sent = one(later_a, 'outbound-rtp', 'video').get_value('frames-sent')
        frames_received = one(later_b, 'inbound-rtp', 'video').get_value('frames-received')
        frames_after = one(stats_of(pr.a), 'outbound-rtp', 'video').get_value('frames-sent')
        self.assertGreater(frames_received, 15)
        self.assertLessEqual(frames_received, frames_after)
        self.assertGreaterEqual(frames_received, frames_sent - 5, f'{frames_received} of {frames_sent}')
        for s in (one(later_a, 'outbound-rtp', 'audio'), one(later_b, 'inbound-rtp', 'audio')):
            self.assertFalse(s.has_field('frames-sent') or s.has_field('frames-received'), 'audio has no frames')
        rtp_ids = lambda st: sorted(k for k, s in st.items() if stat_type(s) in RTP_TYPES[1:3])  # noqa: E731
        self.assertEqual(rtp_ids(later_a), rtp_ids(sent_before), 'stream ids are stable')
        self.assertEqual(pr.bus_errors, [])

    def test_reports_from_the_peer(self):
        """Once RTCP has flowed: each stream b receives has the peer's sender
        report (remote-outbound-rtp); each receiver report a holds names
        the outbound stream it is about (a loopback round trip when
        measured)."""
        pr, _, _, _, _ = self.sending_pair(both=False)

        def both_reported():
            stats = stats_of(pr.b)
            return stats if len(of_type(stats, 'remote-outbound-rtp')) == 2 else None

        stats_b = wait_until(both_reported, what='remote-outbound-rtp for both streams on b', interval=0.2)
        self.assert_references_resolve(stats_b, 'b')
        now_ms = time.time() * 1000
        for kind in ('video', 'audio'):
            inb = one(stats_b, 'inbound-rtp', kind)
            rout = stats_b[inb.get_value('remote-id')]
            self.assertEqual(rout.get_value('local-id'), inb.get_value('id'))
            self.assertEqual(rout.get_value('ssrc'), inb.get_value('ssrc'))
            self.assertGreater(rout.get_value('packets-sent'), 0)
            self.assertLessEqual(rout.get_value('packets-sent'), inb.get_value('packets-received') + 40)
            self.assertLess(abs(rout.get_value('remote-timestamp') - now_ms), 10000 * SLOW,
                            'the sender report\'s NTP time is about now (one clock)')
        # b's receiver reports may not have come (test_round_trip_time_measured):
        # those that did are checked.
        stats = stats_of(pr.a)
        self.assert_references_resolve(stats, 'a')
        for rin in of_type(stats, 'remote-inbound-rtp'):
            out = stats[rin.get_value('local-id')]
            self.assertEqual(stat_type(out), 'outbound-rtp')
            self.assertEqual(out.get_value('remote-id'), rin.get_value('id'))
            self.assertEqual((rin.get_value('ssrc'), rin.get_value('kind')), (out.get_value('ssrc'), out.get_value('kind')))
            self.assertEqual(rin.get_value('packets-lost'), 0, 'nothing lost on loopback')
            rtt = field(rin, 'round-trip-time')
            if rtt is not None:
                self.assertGreater(rtt, 0.0)
                self.assertLess(rtt, 1.0 * SLOW, 'a loopback round trip')

    def test_round_trip_time_measured(self):
        """Receiver reports keep coming: a round trip is measured for a's
        streams, above 0 and below a second on loopback."""
        pr, _, _, _, _ = self.sending_pair()

        def measured():
            for peer in (pr.a, pr.b):
                force_full_rtcp(peer)
            rtts = [field(s, 'round-trip-time') for s in of_type(stats_of(pr.a), 'remote-inbound-rtp')]
            return [r for r in rtts if r is not None]

        for rtt in wait_until(measured, timeout=2 * TIMEOUT, what='round-trip-time on a\'s streams', interval=0.2):
            self.assertGreater(rtt, 0.0)
            self.assertLess(rtt, 1.0 * SLOW)

    def test_losses_and_nacks_counted(self):
        """5 % of a's VP8 packets dropped before encryption: b counts losses
        and the NACKs it sent, a the NACKs it got and what it
        retransmitted. (The receiver reports may lag: rtpsession sends
        reduced-size feedback without report blocks while NACKs keep
        coming.)"""
        pr = self.pair(props_b={'latency': 200})
        rx = Receiver(pr, pr.b)
        pad = add_source(pr, pr.a, VIDEO.replace('vp8enc ', 'vp8enc target-bitrate=1500000 '))
        wait_until(lambda: pad.get_property('transceiver'), what='transceiver')
        offer, _ = pr.negotiate('a')
        pt = rtpmap(offer, 'VP8/90000')
        rng = random.Random(3550)
        lost = []
        lock = threading.Lock()

        def lose(_pad, info):
            head = info.get_buffer().extract_dup(0, 2)
            if (head[1] & 0x7f) == pt and rng.random() < 0.05:
                with lock:
                    lost.append(1)
                return Gst.PadProbeReturn.DROP
            return Gst.PadProbeReturn.OK

        enc = next(e for e in pr.a.el.children if e.get_factory().get_name() == 'rtcdtlssrtpenc')
        enc.get_static_pad('rtp_sink_0').add_probe(Gst.PadProbeType.BUFFER, lose)
        pr.wait_connected()
        wait_until(lambda: len(lost) >= 10 and rx.frames['video'] >= 10, timeout=20 * SLOW,
                   what=f'losses ({len(lost)}) and video')

        last = {}

        def counted():
            a, b = stats_of(pr.a), stats_of(pr.b)
            out, inb = one(a, 'outbound-rtp', 'video'), one(b, 'inbound-rtp', 'video')
            last.update(out=out.to_string(), inb=inb.to_string())
            ok = (inb.get_value('packets-lost') > 0 and inb.get_value('nack-count') > 0 and
                  out.get_value('nack-count') > 0 and out.get_value('retransmitted-packets-sent') > 0 and
                  inb.get_value('retransmitted-packets-received') > 0)
            return (out, inb) if ok else None

        try:
            out, inb = wait_until(counted, timeout=TIMEOUT, interval=0.2,
                                             what='losses, NACKs and retransmissions in get-stats')
        except AssertionError as e:
            raise AssertionError(f'{e}: {last}') from None
        with lock:
            dropped = len(lost)
        self.assertLessEqual(inb.get_value('packets-lost'), dropped, 'no more losses than were made')
        self.assertEqual(inb.get_value('rtx-ssrc'), out.get_value('rtx-ssrc'))
        self.assertLessEqual(out.get_value('retransmitted-packets-sent'), out.get_value('packets-sent'))
        self.assertLessEqual(inb.get_value('retransmitted-packets-received'),
                             out.get_value('retransmitted-packets-sent') + 5)
        self.assertEqual(pr.bus_errors, [])

    def test_pad_selects_its_stream(self):
        """get-stats(sink pad): that sender's outbound-rtp and what it
        refers to, nothing of the other stream; get-stats(src pad): that
        receiver's inbound-rtp; a pad of another element: an error."""
        pr, _, pads, _, _ = self.sending_pair(both=False)
        full = stats_of(pr.a)
        for kind, other in (('video', 'audio'), ('audio', 'video')):
            sel = stats_of(pr.a, pads[kind])
            self.assert_references_resolve(sel, f'a[{kind} pad]')
            outs = of_type(sel, 'outbound-rtp')
            self.assertEqual([s.get_value('kind') for s in outs], [kind])
            self.assertEqual(of_type(sel, 'inbound-rtp') + of_type(sel, 'data-channel') + of_type(sel, 'peer-connection'), [])
            self.assertEqual([s.get_value('kind') for s in of_type(sel, 'media-source')], [kind])
            self.assertEqual([s.get_value('mime-type') for s in of_type(sel, 'codec')], [MIME[kind]])
            self.assertEqual(len(of_type(sel, 'transport')), 1)
            self.assertNotIn(one(full, 'outbound-rtp', other).get_value('id'), sel)
            self.assertLess(len(sel), len(full))
        kinds = []
        src_pads = [p for p in pr.b.el.srcpads if p.get_name().startswith('src_')]
        for pad in src_pads:
            sel = stats_of(pr.b, pad)
            self.assert_references_resolve(sel, f'b[{pad.get_name()}]')
            inbound = of_type(sel, 'inbound-rtp')
            self.assertEqual(len(inbound), 1, f'{pad.get_name()}: one inbound-rtp')
            kinds.append(inbound[0].get_value('kind'))
            self.assertEqual(of_type(sel, 'outbound-rtp') + of_type(sel, 'media-source'), [])
        self.assertEqual(sorted(kinds), ['audio', 'video'], 'each src pad selects its own stream')
        stranger = Gst.Pad.new('stranger', Gst.PadDirection.SINK)
        r = stats_of(pr.a, stranger)
        self.assertIsInstance(r, Reply, 'a pad that is not ours is refused')
        self.assertIn('not a pad of', r.error.message)
        self.assertIsInstance(stats_of(pr.a, src_pads[0]), Reply, 'the other peer\'s pad is refused')


if __name__ == '__main__':
    main()
