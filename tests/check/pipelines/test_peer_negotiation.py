#!/usr/bin/python3
"""Negotiation beyond one offer/answer, between two peers in one process:
glare resolved by perfect negotiation (rollback), renegotiation that adds a
data channel to an audio-only session, ICE restart while data flows.

Runs against rtcpeerbin (default) or GST_RTC_PEER_ELEMENT=webrtcbin.
"""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_harness import (Gst, PeerTestCase, TIMEOUT, main, mline_count, stat_type, ufrags,  # noqa: E402
                          wait_until)

OPUS = 'application/x-rtp,media=audio,encoding-name=OPUS,payload=96,clock-rate=48000'


class Glare(PeerTestCase):
    def test_perfect_negotiation_rollback(self):
        """Both offer at once; b (polite) rolls back and answers a's offer,
        a (impolite) ignores b's; b's own channel follows in a second round."""
        pr = self.pair()
        a, b = pr.a, pr.b
        ch_a = a.create_data_channel('from-a')
        ch_b = b.create_data_channel('from-b')
        _, offer_a = a.create('offer')
        _, offer_b = b.create('offer')
        a.set_local('offer', offer_a)
        b.set_local('offer', offer_b)
        self.assertEqual(a.state('signaling-state'), 'have-local-offer')
        self.assertEqual(b.state('signaling-state'), 'have-local-offer')
        # Collision. a is impolite: it drops b's offer. b is polite:
        b.set_remote('rollback', '')
        self.assertEqual(b.state('signaling-state'), 'stable')
        self.assertIsNone(b.el.get_property('pending-local-description'), 'rollback left a pending offer')
        b.set_remote('offer', offer_a)
        self.assertEqual(b.state('signaling-state'), 'have-remote-offer')
        _, answer = b.create('answer')
        b.set_local('answer', answer)
        a.set_remote('answer', answer)
        for p in (a, b):
            self.assertEqual(p.state('signaling-state'), 'stable')
        self.assertEqual(b.history['signaling-state'][:4],
                         ['have-local-offer', 'stable', 'have-remote-offer', 'stable'])
        pr.wait_connected()
        ch_a.wait_open()
        # b's channel was in the rolled-back offer: it still needs its own
        # negotiation unless the m=application section a offered carries it.
        if not ch_b.is_open():
            pr.negotiate('b')
        ch_b.wait_open()
        ra = b.remote_channel('from-a')
        rb = a.remote_channel('from-b')
        self.exchange(ch_a, ra, 'from-a')
        self.exchange(ch_b, rb, 'from-b')
        pr.wait_connected()
        for p in (a, b):
            self.assertEqual(p.state('signaling-state'), 'stable')


class Renegotiation(PeerTestCase):
    def test_data_channel_added_later(self):
        pr = self.pair()
        a, b = pr.a, pr.b
        a.add_transceiver('recvonly', OPUS)
        # create-data-channel adds nothing by itself here: count from now on.
        offer1, answer1 = pr.negotiate('a')
        self.assertEqual(mline_count(offer1), 1)
        self.assertIn('m=audio', offer1)
        self.assertNotIn('m=application', offer1)
        pr.wait_connected()
        before = a.negotiation_needed
        ch_a = a.create_data_channel('late')
        wait_until(lambda: a.negotiation_needed > before, TIMEOUT, 'on-negotiation-needed after create-data-channel')
        offer2, answer2 = pr.negotiate('a')
        self.assertEqual(mline_count(offer2), 2)
        self.assertLess(offer2.index('m=audio'), offer2.index('m=application'), 'the audio m-line keeps its place')
        self.assertEqual(set(ufrags(offer2)), set(ufrags(offer1)), 'renegotiation must not restart ICE')
        ch_a.wait_open()
        ch_b = b.remote_channel('late')
        ch_b.wait_open()
        self.exchange(ch_a, ch_b, 'late a->b')
        self.exchange(ch_b, ch_a, 'late b->a')
        for p in (a, b):
            self.assertEqual(p.state('signaling-state'), 'stable')
            self.assertEqual(p.state('connection-state'), 'connected')
        # Nothing left to negotiate: no further on-negotiation-needed.
        n = a.negotiation_needed
        time.sleep(0.3)
        self.assertEqual(a.negotiation_needed, n, 'on-negotiation-needed fired again after a complete negotiation')

    def test_sendrecv_audio_then_data(self):
        pr = self.pair()
        pr.a.add_transceiver('sendrecv', OPUS)
        offer1, answer1 = pr.negotiate('a')
        self.assertIn('m=audio', answer1)
        pr.wait_connected()
        ch_b = pr.b.create_data_channel('from-b')
        offer2, answer2 = pr.negotiate('b')
        self.assertEqual(mline_count(offer2), 2)
        ch_b.wait_open()
        ch_a = pr.a.remote_channel('from-b')
        self.exchange(ch_b, ch_a, 'from-b')


class IceRestart(PeerTestCase):
    def restart_while_sending(self, restart):
        pr = self.pair()
        a, b = pr.a, pr.b
        ch_a = a.create_data_channel('flow')
        offer1, answer1 = pr.negotiate('a')
        pr.wait_connected()
        ch_a.wait_open()
        ch_b = b.remote_channel('flow')
        ch_b.wait_open()
        stop = threading.Event()
        sent = []

        def pump():
            i = 0
            while not stop.is_set():
                s = f'msg {i}'
                ch_a.send_string(s)
                sent.append(s)
                i += 1
                time.sleep(0.01)
        t = threading.Thread(target=pump, daemon=True)
        t.start()
        try:
            ch_b.wait_strings(20)
            offer2, answer2 = restart(pr)
            self.assertTrue(ufrags(offer2), 'the restart offer has no ice-ufrag')
            self.assertTrue(set(ufrags(offer2)).isdisjoint(ufrags(offer1)),
                            f'ice-restart kept the ufrag: {ufrags(offer1)} -> {ufrags(offer2)}')
            self.assertTrue(set(ufrags(answer2)).isdisjoint(ufrags(answer1)),
                            f'the answer to an ICE restart kept its ufrag: {ufrags(answer1)} -> {ufrags(answer2)}')
            got = len(ch_b.strings)
            # Messages keep arriving after the restart.
            ch_b.wait_strings(got + 50)
        finally:
            stop.set()
            t.join()
        got = ch_b.wait_strings(len(sent))
        self.assertEqual(got, sent, 'ordered channel: every message, in order, across the restart')
        pr.wait_connected()
        self.assertIn(a.state('ice-connection-state'), ('connected', 'completed'))
        # The transport itself runs on the new credentials.
        for p, sdp in ((a, offer2), (b, answer2)):
            for s in p.stats().values():
                if stat_type(s) == 'transport' and s.has_field('ice-local-username-fragment'):
                    self.assertIn(s.get_value('ice-local-username-fragment'), ufrags(sdp),
                                  f'{p.name}: the transport still uses the old ufrag')

    def test_create_offer_ice_restart_option(self):
        opts = Gst.Structure.new_from_string('offer-options, ice-restart=(boolean)true')
        self.restart_while_sending(lambda pr: pr.negotiate('a', opts))

    def test_restart_ice_action(self):
        def restart(pr):
            n = pr.a.negotiation_needed
            pr.a.el.emit('restart-ice')
            wait_until(lambda: pr.a.negotiation_needed > n, TIMEOUT, 'on-negotiation-needed after restart-ice')
            return pr.negotiate('a')
        self.restart_while_sending(restart)


if __name__ == '__main__':
    main()
