#!/usr/bin/python3
"""gst-rtc and gst-plugins-bad's WebRTC stack in one process: both type
systems register, nothing collides, a webrtcbin still works beside GstRtc."""
import unittest

import gi
gi.require_version('Gst', '1.0')
gi.require_version('GstRtc', '1.0')
gi.require_version('GstSdp', '1.0')
from gi.repository import Gst, GstRtc, GstSdp  # noqa: E402

Gst.init(None)

try:
    gi.require_version('GstWebRTC', '1.0')
    from gi.repository import GstWebRTC
except (ValueError, ImportError):
    GstWebRTC = None

SDP = ('v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n'
       'm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=ice-ufrag:abcd\r\n'
       'a=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=fingerprint:sha-256 ' + ':'.join(['AB'] * 32) + '\r\n'
       'a=setup:actpass\r\na=rtcp-mux\r\na=sendrecv\r\na=rtpmap:111 opus/48000/2\r\n')


@unittest.skipIf(GstWebRTC is None, 'gir1.2-gst-plugins-bad-1.0 (GstWebRTC typelib) not installed')
class Coexist(unittest.TestCase):
    def test_type_names_distinct(self):
        ours = GstRtc.DataChannel.__gtype__.name
        theirs = GstWebRTC.WebRTCDataChannel.__gtype__.name
        self.assertEqual(ours, 'GstRtcDataChannel')
        self.assertNotEqual(ours, theirs)
        self.assertNotEqual(GstRtc.SignalingState.__gtype__, GstWebRTC.WebRTCSignalingState.__gtype__)

    def test_both_session_descriptions_parse_the_same_text(self):
        ours = GstRtc.SessionDescription.new_from_string(GstRtc.SdpType.OFFER, SDP)
        ok, msg = GstSdp.SDPMessage.new_from_text(SDP)
        theirs = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.OFFER, msg)
        self.assertEqual(ours.to_string(), theirs.sdp.as_text())

    def test_webrtcbin_works_beside_gstrtc(self):
        webrtc = Gst.ElementFactory.make('webrtcbin')
        if webrtc is None:
            self.skipTest('webrtcbin not available')
        pipe = Gst.Pipeline()
        pipe.add(webrtc)
        ours = GstRtc.SessionDescription.new_from_string(GstRtc.SdpType.OFFER, SDP)
        promise = Gst.Promise.new()
        # webrtcbin takes its own description type, built from our parsed message
        res, msg = GstSdp.SDPMessage.new_from_text(ours.to_string())
        self.assertEqual(res, GstSdp.SDPResult.OK)
        desc = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.OFFER, msg)
        pipe.set_state(Gst.State.READY)
        webrtc.emit('set-remote-description', desc, promise)
        promise.wait()
        reply = promise.get_reply()
        self.assertTrue(reply is None or not reply.has_field('error'), reply and reply.to_string())
        self.assertEqual(webrtc.get_property('signaling-state'), GstWebRTC.WebRTCSignalingState.HAVE_REMOTE_OFFER)
        pipe.set_state(Gst.State.NULL)


if __name__ == '__main__':
    unittest.main(verbosity=2)
