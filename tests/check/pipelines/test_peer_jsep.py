#!/usr/bin/python3
"""What the W3C RTCPeerConnection shows around negotiation, between two
peers in one process: the (pending/current) description properties at each
step, can-trickle-ice-candidates, on-negotiation-needed coalesced for
several data channels, end-of-candidates, negotiated and unreliable data
channels, and every bundle policy (max-bundle, balanced, max-compat) with an
audio and a data section.

Runs against rtcpeerbin (default) or GST_RTC_PEER_ELEMENT=webrtcbin.
"""
import os
import re
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_harness import (ELEMENT, Gst, PeerTestCase, enum_nick, SLOW, TIMEOUT, main, mline_count, nick, ufrags,  # noqa: E402
                          wait_until)
from gi.repository import GLib  # noqa: E402
try:
    from gi.repository import GstRtc  # noqa: E402
except ImportError:  # a webrtcbin-only run without our typelib
    GstRtc = None

OPUS = 'application/x-rtp,media=audio,encoding-name=OPUS,payload=96,clock-rate=48000'


def nick_of(structure, field):
    return enum_nick(structure.get_value(field))


def text(desc):
    return None if desc is None else desc.sdp.as_text()


class Descriptions(PeerTestCase):
    def props(self, p):
        el = p.el
        return {k: text(el.get_property(k)) for k in (
            'local-description', 'current-local-description', 'pending-local-description',
            'remote-description', 'current-remote-description', 'pending-remote-description')}

    @staticmethod
    def without_candidates(sdp):
        # Gathering (local) and trickled candidates (remote) go on while the
        # properties are read one after the other: each read may hold more
        # a=candidate lines (W3C).
        if sdp is None:
            return None
        return '\r\n'.join(l for l in sdp.split('\r\n') if not l.startswith(('a=candidate:', 'a=end-of-candidates')))

    def test_description_properties_through_one_exchange(self):
        pr = self.pair()
        a, b = pr.a, pr.b
        a.create_data_channel('d')
        for p in (a, b):
            self.assertEqual(set(self.props(p).values()), {None}, f'{p.name}: descriptions before negotiation')
        _, offer = a.create('offer')
        # create-offer alone changes nothing.
        self.assertIsNone(a.el.get_property('local-description'))
        b.hold()
        a.set_local('offer', offer)
        pa = self.props(a)
        self.assertIsNotNone(pa['pending-local-description'])
        self.assertEqual(self.without_candidates(pa['local-description']),
                         self.without_candidates(pa['pending-local-description']))
        self.assertIsNone(pa['current-local-description'])
        b.set_remote('offer', offer)
        pb = self.props(b)
        self.assertIsNotNone(pb['pending-remote-description'])
        self.assertIsNone(pb['current-remote-description'])
        self.assertEqual(ufrags(pb['remote-description']), ufrags(offer))
        _, answer = b.create('answer')
        a.hold()
        b.set_local('answer', answer)
        a.set_remote('answer', answer)
        for p in (a, b):
            d = self.props(p)
            self.assertIsNone(d['pending-local-description'], f'{p.name}: pending local after the answer')
            self.assertIsNone(d['pending-remote-description'], f'{p.name}: pending remote after the answer')
            self.assertIsNotNone(d['current-local-description'])
            self.assertIsNotNone(d['current-remote-description'])
            self.assertEqual(self.without_candidates(d['local-description']),
                             self.without_candidates(d['current-local-description']))
            self.assertEqual(self.without_candidates(d['remote-description']),
                             self.without_candidates(d['current-remote-description']))
        self.assertEqual(ufrags(self.props(a)['current-remote-description']), ufrags(answer))
        self.assertEqual(ufrags(self.props(b)['current-local-description']), ufrags(answer))
        pr.wait_connected()

    def test_can_trickle_ice_candidates(self):
        pr = self.pair()
        a, b = pr.a, pr.b
        if a.el.find_property('can-trickle-ice-candidates') is None:
            self.skipTest('no can-trickle-ice-candidates property')
        self.assertEqual(nick(b.el, 'can-trickle-ice-candidates'), 'unknown')
        a.create_data_channel('d')
        offer, _ = pr.negotiate('a')
        self.assertIn('a=ice-options:trickle', offer)
        self.assertEqual(nick(b.el, 'can-trickle-ice-candidates'), 'true')
        self.assertEqual(nick(a.el, 'can-trickle-ice-candidates'), 'true')


class NegotiationNeeded(PeerTestCase):
    def test_coalesced_for_several_channels(self):
        pr = self.pair()
        a = pr.a
        for i in range(3):
            a.create_data_channel(f'c{i}')
        wait_until(lambda: a.negotiation_needed >= 1, TIMEOUT, 'on-negotiation-needed')
        time.sleep(0.3 * SLOW)
        self.assertEqual(a.negotiation_needed, 1, 'three channels before negotiating: one on-negotiation-needed')
        offer, _ = pr.negotiate('a')
        self.assertEqual(mline_count(offer), 1, 'all channels share one m=application section')
        pr.wait_connected()
        for i in range(3):
            pr.b.remote_channel(f'c{i}').wait_open()
        time.sleep(0.3 * SLOW)
        self.assertEqual(a.negotiation_needed, 1, 'nothing left to negotiate')
        # A channel once the SCTP association is up needs no negotiation.
        ch = a.create_data_channel('later')
        ch.wait_open()
        self.assertEqual(a.negotiation_needed, 1, 'a channel on a negotiated association fired on-negotiation-needed')

    def test_end_of_candidates(self):
        pr = self.pair()
        a, b = pr.a, pr.b
        ch = a.create_data_channel('d')
        pr.negotiate('a')
        if a.takes_promise('add-ice-candidate'):
            for p in (a, b):
                r = p.add_ice_candidate(0, '', wait=True)
                self.assertIsNone(r.error, f'{p.name}: end-of-candidates refused: {r.error and r.error.message}')
                r = p.add_ice_candidate(0, None, wait=True)
                self.assertIsNone(r.error, f'{p.name}: NULL end-of-candidates refused: {r.error and r.error.message}')
        pr.wait_connected()
        ch.wait_open()
        self.exchange(ch, b.remote_channel('d'), 'after end-of-candidates')


class ChannelKinds(PeerTestCase):
    def test_negotiated_channels(self):
        """negotiated=true with the same id on both sides: no DCEP, no
        on-data-channel, and the two objects talk to each other."""
        pr = self.pair()
        opts = Gst.Structure.new_from_string('opts, negotiated=(boolean)true, id=(int)7')
        ch_a = pr.a.create_data_channel('pre', opts)
        ch_b = pr.b.create_data_channel('pre', opts.copy())
        self.assertTrue(ch_a.obj.get_property('negotiated'))
        self.assertEqual(ch_a.obj.get_property('id'), 7)
        pr.negotiate('a')
        pr.wait_connected()
        ch_a.wait_open()
        ch_b.wait_open()
        self.exchange(ch_a, ch_b, 'negotiated a->b')
        self.exchange(ch_b, ch_a, 'negotiated b->a')
        self.assertEqual([c.label for c in pr.a.remote_channels + pr.b.remote_channels], [],
                         'a negotiated channel must not raise on-data-channel')

    def test_unordered_unreliable_channel(self):
        pr = self.pair()
        opts = Gst.Structure.new_from_string('opts, ordered=(boolean)false, max-retransmits=(int)0, '
                                             'protocol=(string)x-test')
        ch_a = pr.a.create_data_channel('lossy', opts)
        pr.negotiate('a')
        pr.wait_connected()
        ch_a.wait_open()
        ch_b = pr.b.remote_channel('lossy')
        ch_b.wait_open()
        # The far side learns the parameters through DCEP.
        self.assertFalse(ch_b.obj.get_property('ordered'))
        self.assertEqual(ch_b.obj.get_property('max-retransmits'), 0)
        self.assertEqual(ch_b.obj.get_property('protocol'), 'x-test')
        # On loopback nothing is lost: every message arrives (order aside).
        msgs = [f'm{i}' for i in range(50)]
        for m in msgs:
            ch_a.send_string(m)
        self.assertEqual(sorted(ch_b.wait_strings(50)), sorted(msgs))


@unittest.skipIf(ELEMENT != 'rtcpeerbin', 'get/set-configuration: rtcpeerbin only')
class Configuration(PeerTestCase):
    """W3C setConfiguration: the bundle policy and the certificate are
    fixed once negotiation started (InvalidModification: FALSE here), the
    ICE transport policy may change any time."""

    def with_field(self, conf, field, value_text):
        s = conf.to_string()
        out, n = re.subn(rf'{field}=\([^)]*\)("(?:[^"\\]|\\.)*"|[^,;]*)', f'{field}={value_text}', s)
        self.assertEqual(n, 1, f'no {field} in {s[:200]}')
        return Gst.Structure.from_string(out)[0]

    def test_configuration_rules(self):
        pr = self.pair()
        a = pr.a
        conf = a.el.emit('get-configuration')
        self.assertEqual(nick_of(conf, 'bundle-policy'), 'max-bundle')
        # Before negotiating, everything may change.
        self.assertTrue(a.el.emit('set-configuration', self.with_field(conf, 'bundle-policy',
                                                                        '(GstRtcBundlePolicy)balanced')))
        self.assertEqual(nick(a.el, 'bundle-policy'), 'balanced')
        conf = a.el.emit('get-configuration')
        self.assertTrue(a.el.emit('set-configuration', self.with_field(conf, 'bundle-policy',
                                                                        '(GstRtcBundlePolicy)max-bundle')))
        a.create_data_channel('d')
        pr.negotiate('a')
        pr.wait_connected()
        conf = a.el.emit('get-configuration')
        cert = conf.get_value('certificate')
        self.assertFalse(a.el.emit('set-configuration', self.with_field(conf, 'bundle-policy',
                                                                         '(GstRtcBundlePolicy)balanced')),
                         'the bundle policy changed after negotiation')
        self.assertEqual(nick(a.el, 'bundle-policy'), 'max-bundle')
        other = pr.b.el.emit('get-configuration').get_value('certificate')
        self.assertNotEqual(cert, other)
        bad = conf.copy()
        bad.set_value('certificate', other)
        self.assertFalse(a.el.emit('set-configuration', bad), 'the certificate changed after negotiation')
        # Each refusal is on the bus as the W3C exception would be thrown.
        refused = [e for src, e in pr.bus_warnings if src == 'a' and e.domain == GLib.quark_to_string(GstRtc.error_quark())]
        self.assertEqual([e.code for e in refused], [int(GstRtc.Error.INVALID_MODIFICATION)] * 2, str(pr.bus_warnings))
        self.assertEqual(a.el.emit('get-configuration').get_value('certificate'), cert)
        self.assertTrue(a.el.emit('set-configuration', self.with_field(conf, 'ice-transport-policy',
                                                                        '(GstRtcIceTransportPolicy)relay')))
        self.assertEqual(nick(a.el, 'ice-transport-policy'), 'relay')
        self.assertEqual(nick_of(a.el.emit('get-configuration'), 'ice-transport-policy'), 'relay')


class BundlePolicies(PeerTestCase):
    def check(self, policy, transports):
        props = {'bundle-policy': policy}
        pr = self.pair(props_a=props, props_b=dict(props))
        pr.a.add_transceiver('sendrecv', OPUS)
        ch = pr.a.create_data_channel('d')
        offer, answer = pr.negotiate('a')
        self.assertEqual(mline_count(offer), 2)
        if transports > 1:
            # JSEP 4.1.1: only max-bundle offers m-lines as bundle-only.
            self.assertNotIn('a=bundle-only', offer, f'{policy}: an m-line offered bundle-only')
        pr.wait_connected()
        ch.wait_open()
        rch = pr.b.remote_channel('d')
        self.exchange(ch, rch, f'{policy} a->b')
        self.exchange(rch, ch, f'{policy} b->a')
        return offer, answer

    def test_max_bundle(self):
        offer, answer = self.check('max-bundle', 1)
        self.assertIn('a=group:BUNDLE', answer)

    def test_balanced(self):
        # balanced: one transport per media type in the offer, bundled by the answer.
        offer, answer = self.check('balanced', 2)
        self.assertIn('a=group:BUNDLE', answer)

    def test_max_compat(self):
        self.check('max-compat', 2)


if __name__ == '__main__':
    main()
