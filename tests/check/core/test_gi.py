#!/usr/bin/python3
# gst-rtc: WebRTC for GStreamer
# SPDX-License-Identifier: LGPL-2.1-or-later
"""libgstrtc-1.0 through GObject-Introspection (GstRtc-1.0), as a Python
application sees it. Run by meson with GI_TYPELIB_PATH and LD_LIBRARY_PATH
pointing at build/gst-libs/gst/rtc."""
import glob
import os
import sys
import unittest

import gi

gi.require_version('Gst', '1.0')
gi.require_version('GstSdp', '1.0')
gi.require_version('GstRtc', '1.0')
from gi.repository import GLib, GObject, Gst, GstRtc, GstSdp  # noqa: E402

Gst.init(None)

FINGERPRINT = ('44:39:14:3D:44:7D:4D:10:B4:37:0A:F6:6A:A1:8F:11:36:E7:87:56:'
               'D6:EE:80:6A:25:1E:AB:35:C4:C4:46:E0')
TRANSPORT = ['c=IN IP4 0.0.0.0', 'a=ice-ufrag:1QhM', 'a=ice-pwd:PbuJ/FpdaR3+icaH4Rd/LNNa',
             'a=ice-options:trickle', 'a=fingerprint:sha-256 ' + FINGERPRINT, 'a=setup:actpass']
CHROME_OFFER = '\r\n'.join([
    'v=0', 'o=- 849169784356078473 2 IN IP4 127.0.0.1', 's=-', 't=0 0',
    'a=group:BUNDLE 0 1 2', 'a=extmap-allow-mixed',
    'a=msid-semantic: WMS af65fc3e-a447-452c-b2fb-fed465d7d287',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111 0 8',
    TRANSPORT[0], 'a=rtcp:9 IN IP4 0.0.0.0'] + TRANSPORT[1:] + [
    'a=mid:0', 'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid', 'a=sendrecv',
    'a=msid:af65fc3e-a447-452c-b2fb-fed465d7d287 aeccda99-de73-4d0e-bce4-29ca3ac896e9',
    'a=rtcp-mux', 'a=rtpmap:111 opus/48000/2', 'a=rtcp-fb:111 transport-cc',
    'a=fmtp:111 minptime=10;useinbandfec=1', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000',
    'a=ssrc:2453174223 cname:e6uN7Xab5yvAXRpb',
    'm=video 9 UDP/TLS/RTP/SAVPF 96 97',
    TRANSPORT[0], 'a=rtcp:9 IN IP4 0.0.0.0'] + TRANSPORT[1:] + [
    'a=mid:1', 'a=sendrecv', 'a=rtcp-mux', 'a=rtcp-rsize', 'a=rtpmap:96 VP8/90000',
    'a=rtcp-fb:96 nack', 'a=rtcp-fb:96 nack pli', 'a=rtpmap:97 rtx/90000', 'a=fmtp:97 apt=96',
    'a=ssrc-group:FID 2601782128 2253156967',
    'a=ssrc:2601782128 cname:e6uN7Xab5yvAXRpb', 'a=ssrc:2253156967 cname:e6uN7Xab5yvAXRpb',
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel'] + TRANSPORT + [
    'a=mid:2', 'a=sctp-port:5000', 'a=max-message-size:262144']) + '\r\n'

# API.md "GObject-Introspection" and "Enums"/"Objects": every name a binding
# user reaches for.
API_GI_TYPES = ['SessionDescription', 'SdpType', 'RtpTransceiver', 'RtpSender', 'RtpReceiver',
                'DtlsTransport', 'IceTransport', 'SctpTransport', 'DataChannel', 'DtmfSender',
                'PeerConnectionState', 'IceConnectionState', 'IceGatheringState', 'SignalingState',
                'BundlePolicy', 'IceTransportPolicy', 'RtpTransceiverDirection', 'DataChannelState',
                'Tristate', 'DtlsTransportState', 'IceTransportState', 'IceRole', 'SctpTransportState',
                'Error']


def signals_of(gtype):
    """signal name -> number of parameters, up to GObject."""
    out = {}
    t = gtype
    while t and t.name not in ('GObject', 'GInitiallyUnowned'):
        for sid in GObject.signal_list_ids(t):
            q = GObject.signal_query(sid)
            out.setdefault(q.signal_name, len(q.param_types))
        t = t.parent
    return out


class TestImport(unittest.TestCase):
    def test_namespace_loads(self):
        self.assertEqual(GstRtc._namespace, 'GstRtc')
        self.assertEqual(GstRtc._version, '1.0')

    def test_api_type_names_exist(self):
        missing = [t for t in API_GI_TYPES if not hasattr(GstRtc, t)]
        self.assertEqual(missing, [])

    def test_gtype_names_are_ours(self):
        for name in API_GI_TYPES:
            gtype = getattr(GstRtc, name).__gtype__
            self.assertTrue(gtype.name.startswith('GstRtc'), gtype.name)
            self.assertFalse(gtype.name.startswith('GstWebRTC'), gtype.name)


class TestEnums(unittest.TestCase):
    def test_signaling_state_nicks(self):
        self.assertEqual(GstRtc.SignalingState.HAVE_LOCAL_OFFER.value_nick, 'have-local-offer')
        self.assertEqual(GstRtc.SignalingState.HAVE_REMOTE_PRANSWER.value_nick, 'have-remote-pranswer')
        self.assertEqual(int(GstRtc.SignalingState.STABLE), 0)
        self.assertEqual(int(GstRtc.SignalingState.CLOSED), 5)

    def test_w3c_nicks(self):
        cases = [
            (GstRtc.SdpType.OFFER, 'offer'), (GstRtc.SdpType.ROLLBACK, 'rollback'),
            (GstRtc.PeerConnectionState.DISCONNECTED, 'disconnected'),
            (GstRtc.IceConnectionState.CHECKING, 'checking'),
            (GstRtc.IceGatheringState.COMPLETE, 'complete'),
            (GstRtc.BundlePolicy.MAX_BUNDLE, 'max-bundle'), (GstRtc.BundlePolicy.MAX_COMPAT, 'max-compat'),
            (GstRtc.IceTransportPolicy.RELAY, 'relay'),
            (GstRtc.RtpTransceiverDirection.SENDRECV, 'sendrecv'),
            (GstRtc.RtpTransceiverDirection.RECVONLY, 'recvonly'),
            (GstRtc.RtpTransceiverDirection.STOPPED, 'stopped'),
            (GstRtc.DataChannelState.CLOSING, 'closing'),
            (GstRtc.DtlsTransportState.FAILED, 'failed'),
            (GstRtc.IceRole.CONTROLLING, 'controlling'),
            (GstRtc.SctpTransportState.CONNECTED, 'connected'),
            (GstRtc.Tristate.UNKNOWN, 'unknown'), (GstRtc.Tristate.FALSE, 'false'),
            (GstRtc.PriorityType.VERY_LOW, 'very-low'),
            (GstRtc.Error.INVALID_MODIFICATION, 'invalid-modification'),
        ]
        for value, nick in cases:
            self.assertEqual(value.value_nick, nick)
        self.assertEqual(GstRtc.sdp_type_to_string(GstRtc.SdpType.PRANSWER), 'pranswer')

    def test_error_domain(self):
        self.assertEqual(GstRtc.error_quark(), GLib.quark_from_string('gst-rtc-error-quark'))
        self.assertEqual(int(GstRtc.Error.SYNTAX), 4)
        self.assertEqual(int(GstRtc.Error.DATA_CHANNEL_FAILURE), 10)


class TestSessionDescription(unittest.TestCase):
    def test_chrome_offer_round_trip(self):
        desc = GstRtc.SessionDescription.new_from_string(GstRtc.SdpType.OFFER, CHROME_OFFER)
        self.assertEqual(desc.type, GstRtc.SdpType.OFFER)
        self.assertIsInstance(desc.sdp, GstSdp.SDPMessage)
        sdp = desc.sdp  # a reference that outlives the media borrowed from it
        self.assertEqual(sdp.medias_len(), 3)
        self.assertEqual(sdp.get_media(2).get_media(), 'application')
        self.assertEqual(desc.to_string(), CHROME_OFFER)
        self.assertEqual(desc.copy().to_string(), CHROME_OFFER)

    def test_lf_input_gives_crlf(self):
        lf = CHROME_OFFER.replace('\r\n', '\n')
        desc = GstRtc.SessionDescription.new_from_string(GstRtc.SdpType.ANSWER, lf)
        self.assertEqual(desc.to_string(), CHROME_OFFER)

    def test_malformed_raises_syntax_with_line(self):
        lines = CHROME_OFFER.split('\r\n')
        bad_index = lines.index('a=rtpmap:0 PCMU/8000')
        lines[bad_index] = 'a=rtpmap:300 PCMU/8000'
        with self.assertRaises(GLib.Error) as ctx:
            GstRtc.SessionDescription.new_from_string(GstRtc.SdpType.OFFER, '\r\n'.join(lines))
        err = ctx.exception
        self.assertEqual(err.domain, 'gst-rtc-error-quark')
        self.assertEqual(err.code, int(GstRtc.Error.SYNTAX))
        self.assertTrue(err.message.startswith('line %d:' % (bad_index + 1)), err.message)
        self.assertTrue(err.matches(GstRtc.error_quark(), GstRtc.Error.SYNTAX))

    def test_garbage_and_empty(self):
        for text in ['hello', 'v=0\r\no=broken\r\n']:
            with self.assertRaises(GLib.Error) as ctx:
                GstRtc.SessionDescription.new_from_string(GstRtc.SdpType.OFFER, text)
            self.assertEqual(ctx.exception.code, int(GstRtc.Error.SYNTAX))
        with self.assertRaises(GLib.Error) as ctx:
            GstRtc.SessionDescription.new_from_string(GstRtc.SdpType.OFFER, '')
        self.assertEqual(ctx.exception.code, int(GstRtc.Error.TYPE))

    def test_rollback_without_sdp(self):
        for text in [None, '']:
            desc = GstRtc.SessionDescription.new_from_string(GstRtc.SdpType.ROLLBACK, text)
            self.assertEqual(desc.type, GstRtc.SdpType.ROLLBACK)
            self.assertEqual(desc.to_string(), '')

    def test_new_from_message(self):
        ret, msg = GstSdp.SDPMessage.new_from_text(CHROME_OFFER)
        self.assertEqual(ret, GstSdp.SDPResult.OK)
        desc = GstRtc.SessionDescription.new(GstRtc.SdpType.PRANSWER, msg)
        self.assertEqual(desc.type, GstRtc.SdpType.PRANSWER)
        self.assertEqual(desc.to_string(), CHROME_OFFER)

    def test_corpus_round_trip(self):
        """Every browser/stack SDP in tests/files/sdp parses and round-trips."""
        root = os.environ.get('GST_RTC_TEST_FILES')
        files = sorted(glob.glob(os.path.join(root, 'sdp', '*.sdp'))) if root else []
        if not files:
            self.skipTest('no SDP corpus in GST_RTC_TEST_FILES')
        for path in files:
            with open(path, newline='') as f:
                text = f.read()
            kind = GstRtc.SdpType.ANSWER if '.answer.' in path else GstRtc.SdpType.OFFER
            with self.subTest(path=os.path.basename(path)):
                desc = GstRtc.SessionDescription.new_from_string(kind, text)
                self.assertEqual(desc.to_string(), text.replace('\r\n', '\n').replace('\n', '\r\n'))


class TestObjects(unittest.TestCase):
    def test_data_channel_contract(self):
        gtype = GstRtc.DataChannel.__gtype__
        props = {p.name for p in GObject.list_properties(gtype)}
        for name in ['label', 'ordered', 'max-packet-lifetime', 'max-retransmits', 'protocol', 'negotiated',
                     'id', 'priority', 'ready-state', 'buffered-amount', 'buffered-amount-low-threshold']:
            self.assertIn(name, props)
        expected = {'send-data': 1, 'send-string': 1, 'close': 0, 'on-open': 0, 'on-closing': 0, 'on-close': 0,
                    'on-error': 1, 'on-message-data': 1, 'on-message-string': 1, 'on-buffered-amount-low': 0}
        sigs = signals_of(gtype)
        for name, n in expected.items():
            self.assertIn(name, sigs)
            self.assertEqual(sigs[name], n, name)

    def test_data_channel_base_send_reports_not_supported(self):
        channel = GstRtc.DataChannel(label='chat', ordered=False, max_retransmits=3)
        self.assertEqual(channel.props.label, 'chat')
        self.assertEqual(channel.props.ordered, False)
        self.assertEqual(channel.props.max_retransmits, 3)
        self.assertEqual(channel.props.max_packet_lifetime, -1)
        self.assertEqual(channel.props.ready_state, GstRtc.DataChannelState.CONNECTING)
        errors = []
        channel.connect('on-error', lambda ch, err: errors.append((err.domain, err.code)))
        channel.emit('send-string', 'hello')
        channel.emit('send-data', GLib.Bytes.new(b'\x00\x01'))
        self.assertEqual(errors, [('gst-rtc-error-quark', int(GstRtc.Error.NOT_SUPPORTED))] * 2)
        with self.assertRaises(GLib.Error) as ctx:
            channel.send_string('hello')
        self.assertEqual(ctx.exception.code, int(GstRtc.Error.NOT_SUPPORTED))

    def test_data_channel_close_events(self):
        channel = GstRtc.DataChannel(label='x')
        events = []
        for sig in ['on-open', 'on-closing', 'on-close']:
            channel.connect(sig, lambda ch, s=sig: events.append(s))
        channel.set_ready_state(GstRtc.DataChannelState.OPEN)
        channel.emit('close')
        self.assertEqual(events, ['on-open', 'on-close'])
        self.assertEqual(channel.props.ready_state, GstRtc.DataChannelState.CLOSED)

    def test_transceiver(self):
        trans = GstRtc.RtpTransceiver(kind='video')
        self.assertEqual(trans.props.kind, 'video')
        self.assertIsNone(trans.props.mid)
        self.assertEqual(trans.props.direction, GstRtc.RtpTransceiverDirection.SENDRECV)
        self.assertEqual(trans.props.current_direction, GstRtc.RtpTransceiverDirection.NONE)
        self.assertIsInstance(trans.props.sender, GstRtc.RtpSender)
        self.assertIsInstance(trans.props.receiver, GstRtc.RtpReceiver)
        self.assertFalse(trans.props.stopped)
        notified = []
        trans.connect('notify::direction', lambda *a: notified.append(trans.props.direction))
        trans.props.direction = GstRtc.RtpTransceiverDirection.RECVONLY
        self.assertEqual(notified, [GstRtc.RtpTransceiverDirection.RECVONLY])
        trans.emit('stop')
        self.assertTrue(trans.props.stopped)
        self.assertEqual(trans.props.direction, GstRtc.RtpTransceiverDirection.STOPPED)

    def test_object_properties(self):
        expect = {
            GstRtc.RtpSender: ['transport', 'dtmf', 'parameters'],
            GstRtc.RtpReceiver: ['transport'],
            GstRtc.DtlsTransport: ['state', 'ice-transport', 'certificate', 'remote-certificate'],
            GstRtc.IceTransport: ['state', 'gathering-state', 'role', 'component', 'selected-candidate-pair'],
            GstRtc.SctpTransport: ['state', 'max-message-size', 'max-channels', 'transport'],
            GstRtc.DtmfSender: ['tone-buffer', 'can-insert-dtmf'],
            GstRtc.RtpTransceiver: ['mid', 'kind', 'direction', 'current-direction', 'codec-preferences',
                                    'sender', 'receiver', 'stopped'],
        }
        for cls, names in expect.items():
            props = {p.name for p in GObject.list_properties(cls.__gtype__)}
            for name in names:
                self.assertIn(name, props, '%s:%s' % (cls.__gtype__.name, name))
        sigs = {
            GstRtc.DtlsTransport: {'on-error': 1},
            GstRtc.IceTransport: {'on-selected-candidate-pair-change': 0},
            GstRtc.DtmfSender: {'insert-dtmf': 3, 'on-tone-change': 1},
            GstRtc.RtpTransceiver: {'stop': 0},
        }
        for cls, expected in sigs.items():
            found = signals_of(cls.__gtype__)
            for name, n in expected.items():
                self.assertEqual(found.get(name), n, '%s::%s' % (cls.__gtype__.name, name))

    def test_dtmf_insert(self):
        dtmf = GstRtc.DtmfSender()
        self.assertFalse(dtmf.emit('insert-dtmf', '123', 100, 70))
        dtmf.set_can_insert_dtmf(True)
        self.assertFalse(dtmf.emit('insert-dtmf', '12x', 100, 70))
        self.assertTrue(dtmf.emit('insert-dtmf', '12ab', 100, 70))
        self.assertEqual(dtmf.props.tone_buffer, '12AB')


if __name__ == '__main__':
    result = unittest.main(verbosity=2, exit=False).result
    sys.exit(0 if result.wasSuccessful() else 1)
