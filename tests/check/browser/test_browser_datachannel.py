#!/usr/bin/python3
"""rtcpeerbin against headless Chromium (Debian `chromium`): data channels.

Both offer directions, channels created by each side (in the offer and
later, in-band), text and binary messages both ways checked byte for byte
(empty, 64 KiB), trickle ICE both ways, ICE restart from each
side with the channel delivering afterwards, and closing from each side.

Runs in run-in-netns.sh's loopback-only network namespace: Chromium
gathers 127.0.0.1 (--allow-loopback-in-peer-connection), rtcpeerbin too
(ice-local-addresses), nothing can leave the machine. Skipped when
chromium is missing or cannot start.
"""
import os
import random
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser_harness import (TIMEOUT, BrowserTestCase, Gst, GstRtc, main,  # noqa: E402
                             rtc_error_domain, ufrag_set, wait_until)


def payloads(tag):
    """Mixed text and binary messages, in send order: empty ones of both
    kinds, multi-byte UTF-8, every byte value, a 64 KiB binary (the
    a=max-message-size a peer must take when none is given, RFC 8841)."""
    rnd = random.Random(tag)
    return [
        f'hello from {tag}',
        '',
        'ünïcødé ✓ 🚀 ' * 50,
        bytes(range(256)),
        rnd.randbytes(64 * 1024),
        b'\x00',
        b'',
        'x' * 5000,
        rnd.randbytes(1200),
    ]


ufrags = ufrag_set


def candidates(sdp):
    return re.findall(r'^a=candidate:(.*)$', sdp or '', re.M)


class ChromiumDataChannel(BrowserTestCase):

    # --- helpers -------------------------------------------------------------
    def ours_to_page(self, ch, label):
        """Everything in payloads() from rtcpeerbin, received in order."""
        items = payloads(f'rtcpeerbin {label}')
        start = self.page.status()['channels'][label]['received']
        for it in items:
            if isinstance(it, str):
                ch.send_string(it)
            else:
                ch.send_bytes(it)
        self.page.wait_channel(label, lambda c: c['received'] >= start + len(items),
                               f'{len(items)} messages from rtcpeerbin')
        got = self.page.messages(label, start)
        self.assertEqual([type(g).__name__ for g in got], [type(i).__name__ for i in items],
                         'text/binary kinds in order')
        for i, (g, it) in enumerate(zip(got, items)):
            self.assertEqual(g, it, f'message {i} to the browser ({len(g)} vs {len(it)})')

    def page_to_ours(self, ch, label):
        """Everything in payloads() from the page: strings and binary each
        in order (rtcpeerbin reports them on two signals)."""
        items = payloads(f'chromium {label}')
        strings = [i for i in items if isinstance(i, str)]
        blobs = [i for i in items if isinstance(i, bytes)]
        base_s, base_b = len(ch.strings), len(ch.datas)
        self.page.send(label, items)
        got_s = ch.wait_strings(base_s + len(strings))[base_s:]
        got_b = ch.wait_datas(base_b + len(blobs))[base_b:]
        self.assertEqual(got_s, strings, 'strings from the browser')
        self.assertEqual(len(got_b), len(blobs))
        for i, (g, b) in enumerate(zip(got_b, blobs)):
            self.assertEqual(g, b, f'binary message {i} from the browser ({len(g)} vs {len(b)} bytes)')

    def both_ways(self, ch, label):
        self.page_to_ours(ch, label)
        self.ours_to_page(ch, label)

    def largest_messages(self, ch, label):
        """A binary message of the size each side's a=max-message-size
        allows, both ways, intact."""
        page_sdp = self.page.status()['localSdp']
        to_ours = int(re.search(r'^a=max-message-size:(\d+)', self.ours.sent[0][1], re.M).group(1))
        to_page = int(re.search(r'^a=max-message-size:(\d+)', page_sdp, re.M).group(1))
        self.assertGreaterEqual(min(to_ours, to_page), 64 * 1024)
        up = random.Random(1).randbytes(to_ours)
        base = len(ch.datas)
        self.page.send(label, [up])
        self.assertEqual(ch.wait_datas(base + 1)[base], up, f'{to_ours} bytes from the browser')
        down = random.Random(2).randbytes(to_page)
        start = self.page.status()['channels'][label]['received']
        ch.send_bytes(down)
        self.page.wait_channel(label, lambda c: c['received'] > start, f'{to_page} bytes from rtcpeerbin')
        self.assertEqual(self.page.messages(label, start), [down])

    def page_channel_open(self, label):
        self.page.wait_channel(label, lambda c: c['readyState'] == 'open', 'open')

    def connect_browser_offers(self, label='from-browser'):
        self.open()
        self.page.call('createChannel', label)
        self.page.call('offer')
        self.wait_connected()
        ch = self.ours.peer.remote_channel(label)
        ch.wait_open()
        self.page_channel_open(label)
        return ch

    def connect_ours_offers(self, label='from-ours'):
        self.open()
        ch = self.ours.create_channel(label)
        self.ours.offer()
        self.wait_connected()
        ch.wait_open()
        self.page.wait(lambda s: label in s['remoteChannels'], f'ondatachannel "{label}"')
        self.page_channel_open(label)
        return ch

    def assert_trickled(self):
        """Both descriptions went without candidates; the candidates
        followed on their own, and each side added the other's."""
        page_sdps = [m['sdp'] for m in self.ours.session.inbox if m.get('type') in ('offer', 'answer')]
        self.assertEqual(candidates(page_sdps[0]), [], 'the page sent its description before gathering')
        self.assertGreater(self.ours.candidates_from_page, 0, 'candidates trickled by the browser')
        self.assertEqual(candidates(self.ours.sent[0][1]), [], 'rtcpeerbin sent its description before gathering')
        st = self.page.status()
        self.assertGreater(st['counts']['candidatesAdded'], 0, 'candidates trickled by rtcpeerbin, added by the browser')
        self.assertEqual(st['counts']['candidatesAdded'], self.ours.candidates_sent,
                         'the browser added every candidate rtcpeerbin trickled')
        self.assertEqual(st['counts']['endOfCandidatesAdded'], 1, 'rtcpeerbin\'s end-of-candidates, added once')
        self.assertEqual(st['counts']['candidatesInRemoteSdp'], 0)
        for c in [m['candidate'] for m in self.ours.session.inbox if m.get('type') == 'candidate' and m['candidate']]:
            self.assertIn(' 127.0.0.1 ', c, 'browser candidates are loopback only')
        self.ours.check()

    def assert_selected_pair(self, ufrag=None):
        """The browser's selected candidate pair (getStats): loopback on both
        ends; with `ufrag`, the pair of the restarted ICE generation (its
        local candidate carries the page's new ufrag)."""
        def selected():
            p = self.page.call('selectedPair')
            if not p or not p['local'] or not p['remote']:
                return None
            if ufrag is not None and p['local']['usernameFragment'] != ufrag:
                return None
            return p
        p = wait_until(selected, TIMEOUT, f'a selected candidate pair{" with ufrag " + ufrag if ufrag else ""} '
                       f'in the page\'s getStats()', interval=0.05)
        self.assertEqual((p['local']['address'], p['remote']['address']), ('127.0.0.1', '127.0.0.1'), str(p))

    def credentials(self):
        return ufrags(self.ours.peer.local_description_text()), ufrags(self.ours.peer.remote_description_text())

    # --- scenarios -----------------------------------------------------------
    def test_browser_offers(self):
        """Chromium offers with its channel, rtcpeerbin answers; then
        rtcpeerbin opens a second channel in-band."""
        ch = self.connect_browser_offers()
        self.both_ways(ch, 'from-browser')
        self.assert_trickled()
        self.assert_selected_pair()
        late = self.ours.create_channel('late-from-ours')
        late.wait_open()
        self.page.wait(lambda s: 'late-from-ours' in s['remoteChannels'], 'ondatachannel "late-from-ours"')
        self.page_channel_open('late-from-ours')
        self.both_ways(late, 'late-from-ours')
        self.assertEqual(self.page.status()['connectionState'], 'connected')
        self.assertEqual(self.ours.peer.state(), 'connected')

    def test_ours_offers(self):
        """rtcpeerbin offers with its channel, Chromium answers; then the
        page opens a second channel in-band."""
        ch = self.connect_ours_offers()
        self.both_ways(ch, 'from-ours')
        self.assert_trickled()
        self.largest_messages(ch, 'from-ours')
        self.page.call('createChannel', 'late-from-browser')
        late = self.ours.peer.remote_channel('late-from-browser')
        late.wait_open()
        self.page_channel_open('late-from-browser')
        self.both_ways(late, 'late-from-browser')

    def test_not_trickled(self):
        """Neither side trickles: each sends its description once gathering
        is complete, candidates inside."""
        self.open(trickle_ours=False, trickle_page=False)
        self.page.call('createChannel', 'from-browser')
        self.page.call('offer')
        self.wait_connected()
        ch = self.ours.peer.remote_channel('from-browser')
        ch.wait_open()
        self.page_channel_open('from-browser')
        offer = [m['sdp'] for m in self.ours.session.inbox if m.get('type') == 'offer'][0]
        self.assertTrue(candidates(offer), 'the browser offer carries its candidates')
        self.assertTrue(candidates(self.ours.sent[0][1]), 'the rtcpeerbin answer carries its candidates')
        st = self.page.status()
        self.assertGreater(st['counts']['candidatesInRemoteSdp'], 0)
        self.assertEqual(st['counts']['candidatesAdded'], 0, 'nothing trickled to the browser')
        self.assertEqual(self.ours.candidates_from_page, 0, 'nothing trickled to rtcpeerbin')
        self.both_ways(ch, 'from-browser')

    def test_channel_options(self):
        """What one side asks for a channel (unordered, partial
        reliability, protocol) is what the other side's channel reports;
        a negotiated channel (same id on both sides, no DCEP) carries
        messages both ways."""
        self.open()
        self.page.call('createChannel', 'browser-unordered', {'ordered': False, 'maxRetransmits': 0,
                                                              'protocol': 'chat-v1'})
        self.page.call('createChannel', 'browser-lifetime', {'maxPacketLifeTime': 500})
        self.page.call('createChannel', 'pre-negotiated', {'negotiated': True, 'id': 40})
        ours_neg = self.ours.create_channel(
            'pre-negotiated', Gst.Structure.new_from_string('options, negotiated=(boolean)true, id=(int)40'))
        self.page.call('offer')
        self.wait_connected()
        unordered = self.ours.peer.remote_channel('browser-unordered')
        lifetime = self.ours.peer.remote_channel('browser-lifetime')
        unordered.wait_open()
        lifetime.wait_open()
        ours_neg.wait_open()
        self.assertEqual((unordered.obj.get_property('ordered'), unordered.obj.get_property('max-retransmits'),
                          unordered.obj.get_property('protocol')), (False, 0, 'chat-v1'))
        self.assertEqual((lifetime.obj.get_property('ordered'),
                          lifetime.obj.get_property('max-packet-lifetime')), (True, 500))
        ours_unordered = self.ours.create_channel('ours-unordered', Gst.Structure.new_from_string(
            'options, ordered=(boolean)false, max-retransmits=(int)2, protocol=(string)proto-ours'))
        ours_unordered.wait_open()
        self.page.wait(lambda s: 'ours-unordered' in s['remoteChannels'], 'ondatachannel "ours-unordered"')
        c = self.page.wait_channel('ours-unordered', lambda c: c['readyState'] == 'open', 'open')
        c = c['channels']['ours-unordered']
        self.assertEqual((c['ordered'], c['maxRetransmits'], c['protocol']), (False, 2, 'proto-ours'))
        self.page_channel_open('pre-negotiated')
        self.assertEqual(self.ours.peer.remote_channels and
                         [x.label for x in self.ours.peer.remote_channels if x.label == 'pre-negotiated'], [],
                         'a negotiated channel is not announced by on-data-channel')
        self.both_ways(ours_neg, 'pre-negotiated')
        # Unreliable and unordered, but nothing is lost or reordered on lo.
        self.page.send('browser-unordered', ['u1', b'u2'])
        self.assertEqual(unordered.wait_strings(1), ['u1'])
        self.assertEqual(unordered.wait_datas(1), [b'u2'])
        ours_unordered.send_string('back')
        self.page.wait_channel('ours-unordered', lambda c: c['received'] >= 1, 'a message')
        self.assertEqual(self.page.messages('ours-unordered'), ['back'])

    def test_ice_restart_from_browser(self):
        ch = self.connect_browser_offers()
        old_local, old_remote = self.credentials()
        self.page.call('restartIce')
        self.restart_done(old_local, old_remote)
        self.wait_connected()
        self.assert_selected_pair(ufrag=next(iter(ufrags(self.page.status()['localSdp']))))
        self.both_ways(ch, 'from-browser')
        self.ours.check()

    def test_ice_restart_from_ours(self):
        ch = self.connect_ours_offers()
        old_local, old_remote = self.credentials()
        self.ours.emit('restart-ice')
        self.ours.offer()
        self.restart_done(old_local, old_remote)
        self.wait_connected()
        self.assert_selected_pair(ufrag=next(iter(ufrags(self.page.status()['localSdp']))))
        self.both_ways(ch, 'from-ours')
        self.ours.check()

    def test_channel_close_from_each_side(self):
        """Closing one channel closes it on the other side; the connection
        and the other channels go on."""
        keep = self.connect_browser_offers('keep')
        self.page.call('createChannel', 'page-closes')
        by_page = self.ours.peer.remote_channel('page-closes')
        by_ours = self.ours.create_channel('ours-closes')
        by_page.wait_open()
        by_ours.wait_open()
        self.page_channel_open('page-closes')
        self.page_channel_open('ours-closes')
        self.page.call('closeChannel', 'page-closes')
        by_page.wait_closed()
        self.page.wait_channel('page-closes', lambda c: c['readyState'] == 'closed', 'closed')
        by_ours.close()
        self.page.wait_channel('ours-closes', lambda c: 'close' in c['events'], 'close event')
        by_ours.wait_closed()
        self.both_ways(keep, 'keep')
        self.assertEqual(self.page.status()['connectionState'], 'connected')
        self.assertEqual(self.ours.peer.state(), 'connected')

    def test_connection_survives_path_mtu_probing(self):
        """A connection left alone for rtcsctpenc's path MTU probing (1 s
        per probe) is still connected and delivering afterwards: libwebrtc
        fails its whole DTLS transport on a datagram over 2048 bytes, so no
        probe may be larger."""
        ch = self.connect_browser_offers()
        time.sleep(3.0)
        self.assertEqual(self.page.status()['connectionState'], 'connected')
        self.page_channel_open('from-browser')
        self.both_ways(ch, 'from-browser')

    def test_close_from_browser(self):
        """pc.close() in the page: rtcpeerbin sees its channel close and its
        connection leave `connected`."""
        ch = self.connect_browser_offers()
        # Chromium aborts the SCTP association on close(): rtcpeerbin may
        # say so with an sctp-failure warning (W3C: an aborted association
        # is an error); any other message still fails the test.
        self.sctp_abort_expected = True
        self.assertEqual(self.page.call('close'), 'closed')
        ch.wait_closed()
        self.assertEqual(ch.state, 'closed')
        # The browser's side is gone: ICE consent checks go unanswered
        # (about 10 s with libnice); the connection must not stay
        # `connected` to a closed peer.
        wait_until(lambda: self.ours.peer.state() in ('disconnected', 'failed'), 2 * TIMEOUT,
                   f'rtcpeerbin connection-state disconnected or failed '
                   f'(seen {self.ours.peer.history["connection-state"]})')

    def expected_bus_message(self, m):
        return (getattr(self, 'sctp_abort_expected', False) and m.kind == 'warning'
                and m.error.domain == rtc_error_domain() and m.error.code == int(GstRtc.Error.SCTP_FAILURE))

    def test_close_from_ours(self):
        """close on rtcpeerbin: the page sees its channel close and its
        connection leave `connected`."""
        ch = self.connect_ours_offers()
        self.ours.emit('close')
        self.assertEqual(self.ours.peer.state(), 'closed', 'W3C close(): connectionState closed at once')
        self.assertEqual(ch.state, 'closed')
        self.page.wait_channel('from-ours', lambda c: 'close' in c['events'] and c['readyState'] == 'closed',
                               'close event')
        self.page.wait(lambda s: s['connectionState'] in ('disconnected', 'failed', 'closed'),
                       'connectionState disconnected, failed or closed', timeout=2 * TIMEOUT)


if __name__ == '__main__':
    main()
