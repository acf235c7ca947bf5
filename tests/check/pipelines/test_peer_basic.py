#!/usr/bin/python3
"""Two peers in one process: offer/answer both ways with a data channel
carrying strings and binary both ways; trickle and non-trickle; pranswer
then answer; close from each side; get-stats.

Runs against rtcpeerbin (default) or, to validate the tests themselves,
GST_RTC_PEER_ELEMENT=webrtcbin.
"""
import base64
import hashlib
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_harness import (PeerTestCase, candidate_lines, known_gap, main, mline_count, nick, selected_pair,  # noqa: E402
                          stat_type, wait_until)


class OfferAnswer(PeerTestCase):
    def connect_with_channel(self, offerer, **kw):
        pr = self.pair(**kw)
        o, r = pr.peers(offerer)
        ch_o = o.create_data_channel('chat')
        offer, answer = pr.negotiate(offerer)
        self.sent = {o.name: offer, r.name: answer}
        self.assertEqual(mline_count(offer), 1, 'one m=application section')
        self.assertIn('m=application', offer)
        self.assertIn('m=application', answer)
        pr.wait_connected()
        ch_o.wait_open()
        ch_r = r.remote_channel('chat')
        ch_r.wait_open()
        self.assertEqual(o.state('signaling-state'), 'stable')
        self.assertEqual(r.state('signaling-state'), 'stable')
        return pr, o, r, ch_o, ch_r

    def check_both_ways(self, offerer):
        pr, o, r, ch_o, ch_r = self.connect_with_channel(offerer)
        self.exchange(ch_o, ch_r, f'{offerer}->')
        self.exchange(ch_r, ch_o, f'->{offerer}')
        self.assertEqual(pr.bus_errors, [])
        self.assert_no_candidate_errors(o, r)
        # The W3C state sequence a user sees: new → connecting → connected.
        for p in (o, r):
            seq = [s for s in p.history['connection-state'] if s != 'new']
            self.assertEqual(seq[:2], ['connecting', 'connected'], f'{p.name} connection-state sequence')
            self.assertEqual(p.history['signaling-state'][-1], 'stable')

    def test_a_offers(self):
        self.check_both_ways('a')

    def test_b_offers(self):
        self.check_both_ways('b')

    def test_large_packets_between_two_rtcpeerbins(self):
        """Both advertise a=x-sctp-max-packet-size, so their associations
        probe up to one DTLS record (RFC 8899) and use it over loopback;
        messages stay intact in the large packets."""
        if os.environ.get('GST_RTC_PEER_ELEMENT', 'rtcpeerbin') != 'rtcpeerbin':
            self.skipTest('rtcpeerbin\'s own SDP extension and rtcsctpenc child')
        pr, o, r, ch_o, ch_r = self.connect_with_channel('a')
        self.assertIn('a=x-sctp-max-packet-size:16384', self.sent['a'])
        self.assertIn('a=x-sctp-max-packet-size:16384', self.sent['b'])
        encs = [p.el.get_by_name('data-sctpenc') for p in (o, r)]
        wait_until(lambda: all(e.get_property('path-mtu') == 16384 for e in encs),
                   what='path-mtu 16384 on both sides')
        self.exchange(ch_o, ch_r, 'large', n=3, size=60000)
        self.exchange(ch_r, ch_o, 'large back', n=3, size=60000)

    def test_send_from_on_data_channel(self):
        """W3C: a channel the peer opened is already open in the
        datachannel event, so the handler may send; on-open follows."""
        pr = self.pair()
        seen = []

        def greet(_el, ch):
            seen.append(nick(ch, 'ready-state'))
            ch.emit('send-string', 'hello from the handler')
            ch.connect('on-open', lambda *_: seen.append('on-open'))

        pr.b.el.connect('on-data-channel', greet)
        ch_a = pr.a.create_data_channel('chat')
        pr.negotiate('a')
        pr.wait_connected()
        self.assertEqual(ch_a.wait_strings(1), ['hello from the handler'])
        wait_until(lambda: 'on-open' in seen, what='on-open after on-data-channel')
        self.assertEqual(seen, ['open', 'on-open'])

    def test_trickle_candidates_signalled(self):
        pr, o, r, ch_o, ch_r = self.connect_with_channel('a')
        # Trickle: the offer carries no candidates, they came one by one.
        self.assertTrue(o.local_candidates, 'a trickled no candidate')
        self.assertTrue(r.local_candidates, 'b trickled no candidate')
        for _, c in o.local_candidates + r.local_candidates:
            if c:
                self.assertIn('127.0.0.1', c, f'candidate not on loopback: {c}')

    def test_gathering_state_sequence(self):
        pr, o, r, ch_o, ch_r = self.connect_with_channel('a')
        # W3C icegatheringstatechange: new -> gathering -> complete, each a notify.
        for p in (o, r):
            self.assertEqual(p.history['ice-gathering-state'][:2], ['gathering', 'complete'],
                             f'{p.name} ice-gathering-state sequence')

    def check_non_trickle(self, trickle_a, trickle_b):
        pr, o, r, ch_o, ch_r = self.connect_with_channel('a', trickle_a=trickle_a, trickle_b=trickle_b)
        for p, t in ((pr.a, trickle_a), (pr.b, trickle_b)):
            if not t:
                # What it sent once ice-gathering-state said complete: every
                # candidate inside (W3C: localDescription holds the gathered
                # candidates), since none is signalled separately.
                cands = candidate_lines(self.sent[p.name])
                self.assertTrue(cands, f'{p.name}: the SDP sent after gathering completed holds no candidate')
                for c in cands:
                    self.assertIn('127.0.0.1', c)
                self.assertEqual(p.other.held, [])
        self.exchange(ch_o, ch_r, 'non-trickle a->b')
        self.exchange(ch_r, ch_o, 'non-trickle b->a')

    def test_non_trickle_both(self):
        self.check_non_trickle(False, False)

    def test_non_trickle_offerer_trickle_answerer(self):
        self.check_non_trickle(False, True)

    def test_trickle_offerer_non_trickle_answerer(self):
        self.check_non_trickle(True, False)


class PrAnswer(PeerTestCase):
    def test_pranswer_then_answer(self):
        pr = self.pair()
        a, b = pr.a, pr.b
        ch_a = a.create_data_channel('chat')
        _, offer = a.create('offer')
        b.hold()
        a.set_local('offer', offer)
        b.set_remote('offer', offer)
        _, answer = b.create('answer')
        a.hold()
        b.set_local('pranswer', answer)
        self.assertEqual(b.state('signaling-state'), 'have-local-pranswer')
        a.set_remote('pranswer', answer)
        self.assertEqual(a.state('signaling-state'), 'have-remote-pranswer')
        # The transports start on the provisional answer already.
        pr.wait_connected()
        _, final = b.create('answer')
        b.set_local('answer', final)
        a.set_remote('answer', final)
        for p in (a, b):
            self.assertEqual(p.state('signaling-state'), 'stable')
            hist = p.history['signaling-state']
            self.assertIn('stable', hist)
        self.assertEqual(a.history['signaling-state'], ['have-local-offer', 'have-remote-pranswer', 'stable'])
        self.assertEqual(b.history['signaling-state'], ['have-remote-offer', 'have-local-pranswer', 'stable'])
        ch_a.wait_open()
        ch_b = b.remote_channel('chat')
        self.exchange(ch_a, ch_b, 'after pranswer a->b')
        self.exchange(ch_b, ch_a, 'after pranswer b->a')


class Close(PeerTestCase):
    def check_close(self, closer):
        pr = self.pair()
        c, o = pr.peers(closer)
        ch_a = pr.a.create_data_channel('chat')
        pr.negotiate('a')
        pr.wait_connected()
        ch_a.wait_open()
        ch_b = pr.b.remote_channel('chat')
        ch_b.wait_open()
        self.exchange(ch_a, ch_b, 'before close')
        ch_c, ch_other = (ch_a, ch_b) if c is pr.a else (ch_b, ch_a)
        c.close()
        # The closer: closed at once (W3C close() sets the states synchronously).
        self.assertEqual(c.state('connection-state'), 'closed')
        self.assertEqual(c.state('signaling-state'), 'closed')
        ch_c.wait_closed()
        self.assertEqual(ch_c.state, 'closed')
        # The other side notices: its channel closes.
        ch_other.wait_closed()
        self.assertEqual(ch_other.state, 'closed')
        # A closed connection refuses to offer (InvalidState).
        r = c.call('create-offer', None)
        self.assertIsNotNone(r.error, 'create-offer after close must fail')

    def test_close_from_offerer(self):
        self.check_close('a')

    def test_close_from_answerer(self):
        self.check_close('b')


class Idle(PeerTestCase):
    def test_idle_connection_stays_connected(self):
        """No data for 8 s: ICE consent freshness (RFC 7675) keeps the
        connection up; nothing flaps to disconnected."""
        pr = self.pair()
        ch = pr.a.create_data_channel('quiet')
        pr.negotiate('a')
        pr.wait_connected()
        ch.wait_open()
        rch = pr.b.remote_channel('quiet')
        n = {p.name: len(p.history['connection-state']) for p in (pr.a, pr.b)}
        time.sleep(8)
        for p in (pr.a, pr.b):
            self.assertEqual(p.history['connection-state'][n[p.name]:], [],
                             f'{p.name}: connection-state changed on an idle connection')
            self.assertEqual(p.state('connection-state'), 'connected')
        self.exchange(ch, rch, 'after 8 s idle')


class ChannelClose(PeerTestCase):
    def test_close_one_channel(self):
        """Closing one data channel closes it on both sides; the connection
        and the other channels carry on, and a new channel opens."""
        pr = self.pair()
        ch1 = pr.a.create_data_channel('one')
        ch2 = pr.a.create_data_channel('two')
        pr.negotiate('a')
        pr.wait_connected()
        r1, r2 = pr.b.remote_channel('one'), pr.b.remote_channel('two')
        for c in (ch1, ch2, r1, r2):
            c.wait_open()
        r1.close()
        r1.wait_closed()
        ch1.wait_closed()
        self.assertEqual(ch1.state, 'closed')
        self.assertEqual(r1.state, 'closed')
        for p in (pr.a, pr.b):
            self.assertEqual(p.state('connection-state'), 'connected')
        self.exchange(ch2, r2, 'two after one closed')
        ch3 = pr.b.create_data_channel('three')
        ch3.wait_open()
        self.exchange(ch3, pr.a.remote_channel('three'), 'three')
        self.assertNotIn('close', ch2.events + r2.events)


class Stats(PeerTestCase):
    def connected(self):
        """Two connected peers with an open channel "chat" from a to b."""
        pr = self.pair()
        ch_a = pr.a.create_data_channel('chat')
        pr.negotiate('a')
        pr.wait_connected()
        ch_a.wait_open()
        return pr, ch_a, pr.b.remote_channel('chat')

    def test_stats_objects(self):
        pr, ch_a, ch_b = self.connected()
        self.exchange(ch_a, ch_b, 'stats')
        stats = pr.a.stats()
        types = {}
        for sid, s in stats.items():
            t = stat_type(s)
            types.setdefault(t, []).append(s)
            self.assertTrue(s.has_field('timestamp'), f'{sid} has no timestamp')
            self.assertTrue(s.has_field('id'), f'{sid} has no id')
            self.assertEqual(s.get_value('id'), sid, 'id field equals the key')
            self.assertGreater(float(s.get_value('timestamp')), 0)
        want = ['peer-connection', 'transport', 'candidate-pair', 'local-candidate', 'remote-candidate',
                'certificate', 'data-channel']
        for t in want:
            self.assertIn(t, types, f'no {t} stats object (have {sorted(types)})')
        dc = [s for s in types['data-channel'] if s.get_value('label') == 'chat']
        self.assertEqual(len(dc), 1, 'one data-channel object for "chat"')
        self.assertEqual(dc[0].get_value('state'), 'open')
        pair, local, remote = selected_pair(stats)
        self.assertIsNotNone(pair, 'no selected candidate-pair')
        self.assertEqual(pair.get_value('state'), 'succeeded')
        for cand in (local, remote):
            self.assertIsNotNone(cand, 'the selected pair names a candidate get-stats does not hold')
            self.assertEqual(cand.get_value('address'), '127.0.0.1')
        for cand in types['local-candidate'] + types['remote-candidate']:
            self.assertEqual(cand.get_value('address'), '127.0.0.1')
        # Ours matches the fingerprint our SDP announced.
        fp = re.search(r'^a=fingerprint:\S+ (\S+)', pr.a.local_description_text(), re.M).group(1)
        self.assertIn(fp.upper(), [c.get_value('fingerprint').upper() for c in types['certificate']
                                   if c.has_field('fingerprint')])
        pc = types['peer-connection'][0]
        self.assertGreaterEqual(int(pc.get_value('data-channels-opened')), 1)

    def test_stats_candidates_and_counters(self):
        """One stats object per ICE candidate (the pair points at those),
        and the mandatory-to-implement byte counters of the selected pair
        and the transport (webrtc-stats 'MTI' list) counting real traffic."""
        pr, ch_a, ch_b = self.connected()
        # Both ways: a's pair and transport count what it sent and received.
        self.exchange(ch_a, ch_b, 'counters')
        self.exchange(ch_b, ch_a, 'counters back')
        stats = pr.a.stats()
        for kind in ('local-candidate', 'remote-candidate'):
            seen = {}
            for sid, s in stats.items():
                if stat_type(s) == kind:
                    key = (s.get_value('address'), s.get_value('port'), s.get_value('protocol'))
                    self.assertNotIn(key, seen, f'{kind} {key} twice: {seen.get(key)} and {sid}')
                    seen[key] = sid
        pair, local, remote = selected_pair(stats)
        for obj, what in ((pair, 'selected candidate-pair'),
                          ([s for s in stats.values() if stat_type(s) == 'transport'][0], 'transport')):
            for f in ('bytes-sent', 'bytes-received'):
                self.assertTrue(obj.has_field(f), f'{what} has no {f}')
                self.assertGreater(int(obj.get_value(f)), 5 * 1000, f'{what} {f}')

    def test_stats_w3c_fields(self):
        pr, ch_a, ch_b = self.connected()
        self.exchange(ch_a, ch_b, 'stats')
        # RTCDataChannelStats counters, on both sides.
        for p, fields in ((pr.a, ('messages-sent', 'bytes-sent')), (pr.b, ('messages-received', 'bytes-received'))):
            dc = [s for s in p.stats().values() if stat_type(s) == 'data-channel' and s.get_value('label') == 'chat']
            self.assertEqual(len(dc), 1, f'{p.name}: one data-channel object for "chat"')
            self.assertTrue(dc[0].has_field(fields[0]), f'{p.name}: data-channel stats without {fields[0]}')
            self.assertGreaterEqual(int(dc[0].get_value(fields[0])), 10)
            self.assertGreaterEqual(int(dc[0].get_value(fields[1])), 5 * 1000)
        # Certificates: W3C base64Certificate is the DER in plain base64,
        # whose hash is the fingerprint, for ours and the remote one.
        certs = [s for s in pr.a.stats().values() if stat_type(s) == 'certificate']
        self.assertEqual(len(certs), 2, 'local and remote certificate')
        for c in certs:
            b64 = c.get_value('base64-certificate')
            self.assertRegex(b64, r'^[A-Za-z0-9+/]+=*$', f'{c.get_value("id")}: base64-certificate is not plain base64')
            self.assertEqual(c.get_value('fingerprint-algorithm'), 'sha-256')
            der = base64.b64decode(b64)
            self.assertEqual(':'.join(f'{x:02X}' for x in hashlib.sha256(der).digest()),
                             c.get_value('fingerprint').upper(), 'fingerprint of base64-certificate')

if __name__ == '__main__':
    main()
