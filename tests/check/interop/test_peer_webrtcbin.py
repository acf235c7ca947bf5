#!/usr/bin/python3
"""rtcpeerbin against gst-plugins-bad's webrtcbin, two peers in one process
(signalling in-process, ICE on 127.0.0.1 in run-in-netns.sh's loopback-only
namespace): rtcpeerbin offers / webrtcbin answers and the reverse; data
channels opened from either side carry strings, binary and 64 KiB messages
both ways, byte for byte.

Uses the element-agnostic harness of tests/check/pipelines/peer_harness.py.
"""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'pipelines'))
from peer_harness import PeerTestCase, have_element, main, mline_count  # noqa: E402

OURS = os.environ.get('GST_RTC_PEER_ELEMENT', 'rtcpeerbin')
THEIRS = 'webrtcbin'


@unittest.skipUnless(have_element(THEIRS), f'needs {THEIRS} (gstreamer1.0-plugins-bad)')
class WithWebrtcbin(PeerTestCase):
    def connect(self, offerer):
        """a = ours, b = webrtcbin; `offerer` opens a channel, then the
        answerer opens one of its own (a second negotiation when needed)."""
        pr = self.pair(factory_a=OURS, factory_b=THEIRS)
        o, r = pr.peers(offerer)
        ch_o = o.create_data_channel(f'from-{o.factory}')
        offer, answer = pr.negotiate(offerer)
        self.assertEqual(mline_count(offer), 1)
        pr.wait_connected()
        ch_o.wait_open()
        ch_or = r.remote_channel(f'from-{o.factory}')
        ch_or.wait_open()
        # A channel from the answerer rides on the SCTP association already
        # negotiated: no renegotiation needed (W3C).
        ch_r = r.create_data_channel(f'from-{r.factory}')
        ch_r.wait_open()
        ch_ro = o.remote_channel(f'from-{r.factory}')
        ch_ro.wait_open()
        return pr, (ch_o, ch_or), (ch_r, ch_ro)

    def check(self, offerer):
        pr, (ch_o, ch_or), (ch_r, ch_ro) = self.connect(offerer)
        for (src, dst), tag in (((ch_o, ch_or), 'offerer channel'), ((ch_r, ch_ro), 'answerer channel')):
            self.exchange(src, dst, f'{tag} forward')
            self.exchange(dst, src, f'{tag} backward')
        # 64 KiB messages, binary and string, both ways.
        big = bytes((k * 7 + 3) & 0xff for k in range(64 * 1024))
        big_s = ''.join(chr(0x61 + k % 26) for k in range(64 * 1024))
        for src, dst, tag in ((ch_o, ch_or, 'forward'), (ch_or, ch_o, 'backward')):
            n_d, n_s = len(dst.datas), len(dst.strings)
            src.send_bytes(big)
            src.send_string(big_s)
            got_d = dst.wait_datas(n_d + 1)[n_d]
            got_s = dst.wait_strings(n_s + 1)[n_s]
            self.assertEqual(len(got_d), len(big), f'64 KiB binary {tag}: length')
            self.assertEqual(got_d, big, f'64 KiB binary {tag}: content')
            self.assertEqual(got_s, big_s, f'64 KiB string {tag}')
        self.assertEqual(pr.bus_errors, [])
        self.assert_no_candidate_errors(pr.a, pr.b)

    def test_ours_offers(self):
        self.check('a')

    def test_webrtcbin_offers(self):
        self.check('b')

    def test_non_trickle_ours(self):
        pr = self.pair(factory_a=OURS, factory_b=THEIRS, trickle_a=False)
        ch = pr.a.create_data_channel('nt')
        offer, _ = pr.negotiate('a')
        self.assertIn('a=candidate:', offer, 'non-trickle offer without candidates')
        pr.wait_connected()
        ch.wait_open()
        rch = pr.b.remote_channel('nt')
        self.exchange(ch, rch, 'non-trickle forward')
        self.exchange(rch, ch, 'non-trickle backward')


if __name__ == '__main__':
    main()
