#!/usr/bin/python3
"""SDP-level interop between our JSEP core (gst-rtc-jsep) and GStreamer's
webrtcbin (gst-plugins-bad, a test peer only).

Both directions: webrtcbin offers and applies our answer; we offer and
accept webrtcbin's answer. Runs inside a loopback-only network namespace
(run-in-netns.sh); webrtcbin has no STUN server, so its candidates stay on
this machine even where it gathers them.
"""

import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sdp_interop  # noqa: E402
from sdp_interop import SdpAssertions, parse, require_loopback_namespace  # noqa: E402

try:
    import gi

    gi.require_version("Gst", "1.0")
    gi.require_version("GstSdp", "1.0")
    gi.require_version("GstWebRTC", "1.0")
    from gi.repository import Gst, GstSdp, GstWebRTC

    Gst.init(None)
    if Gst.ElementFactory.find("webrtcbin") is None:
        raise ImportError("no webrtcbin element (gstreamer1.0-plugins-bad, gstreamer1.0-nice)")
    IMPORT_ERROR = None
except (ImportError, ValueError) as e:
    IMPORT_ERROR = f"webrtcbin unavailable: {e}"

TIMEOUT = 20.0

AUDIO_LAUNCH = "audiotestsrc is-live=true ! opusenc ! rtpopuspay pt=111 ! queue ! wb."
VP8_LAUNCH = (
    "videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=30/1 ! "
    "vp8enc deadline=1 ! rtpvp8pay pt=96 ! queue ! wb."
)
VIDEO_CAPS = (
    "application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000,"
    "rtcp-fb-nack-pli=(boolean)true;"
    "application/x-rtp,media=video,encoding-name=H264,payload=102,clock-rate=90000,"
    "packetization-mode=(string)1,profile-level-id=(string)42e01f,level-asymmetry-allowed=(string)1"
)

RECVONLY_AUDIO_CAPS = (
    "application/x-rtp,media=audio,encoding-name=OPUS,payload=111,clock-rate=48000,encoding-params=(string)2"
)


def promise_call(element, signal, *args, sdp_field=None):
    """Emits a promise-taking action signal; raises on a promise error.

    The reply belongs to the promise, so the SDP text is read before the
    promise goes away."""
    promise = Gst.Promise.new()
    element.emit(signal, *args, promise)
    result = promise.wait()
    if result != Gst.PromiseResult.REPLIED:
        raise AssertionError(f"webrtcbin {signal}: promise {result.value_nick}")
    reply = promise.get_reply()
    if reply is not None and reply.has_field("error"):
        raise AssertionError(f"webrtcbin {signal} failed: {reply.get_value('error').message}")
    if sdp_field:
        return reply.get_value(sdp_field).sdp.as_text()
    return None


def description(sdp_type, text):
    res, msg = GstSdp.SDPMessage.new_from_text(text)
    if res != GstSdp.SDPResult.OK:
        raise AssertionError(f"GstSdp cannot parse the SDP: {res.value_nick}")
    return GstWebRTC.WebRTCSessionDescription.new(sdp_type, msg)


class Webrtcbin:
    def __init__(self, sources=""):
        if sources:
            self.pipe = Gst.parse_launch(f"webrtcbin name=wb {sources}")
            self.wb = self.pipe.get_by_name("wb")
        else:
            self.pipe = Gst.Pipeline.new()
            self.wb = Gst.ElementFactory.make("webrtcbin", "wb")
            self.pipe.add(self.wb)
        self.wb.set_property("bundle-policy", GstWebRTC.WebRTCBundlePolicy.MAX_BUNDLE)
        self.wb.set_property("stun-server", None)
        self.sources = sources.count("wb.")
        if self.pipe.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
            raise AssertionError("pipeline with webrtcbin failed to start")
        self._wait_for_caps()

    def _wait_for_caps(self):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            pads = [p for p in self.wb.sinkpads if p.get_name().startswith("sink_")]
            if len(pads) >= self.sources and all(p.has_current_caps() for p in pads):
                return
            time.sleep(0.02)
        raise AssertionError("encoded media never reached webrtcbin")

    def close(self):
        self.pipe.set_state(Gst.State.NULL)

    def create_offer(self):
        return promise_call(self.wb, "create-offer", None, sdp_field="offer")

    def create_answer(self):
        return promise_call(self.wb, "create-answer", None, sdp_field="answer")

    def set_local(self, sdp_type, text):
        promise_call(self.wb, "set-local-description", description(sdp_type, text))

    def set_remote(self, sdp_type, text):
        promise_call(self.wb, "set-remote-description", description(sdp_type, text))

    def signaling_state(self):
        return self.wb.get_property("signaling-state").value_nick

    def transceivers(self):
        """mid -> m-line index, for every transceiver webrtcbin associated."""
        out = {}
        index = 0
        while True:
            trans = self.wb.emit("get-transceiver", index)
            if trans is None:
                return out
            mid = trans.get_property("mid")
            if mid is not None:
                out[mid] = trans.get_property("mlineindex")
            index += 1

    def description_text(self, prop):
        desc = self.wb.get_property(prop)
        return desc.sdp.as_text() if desc is not None else None


@unittest.skipIf(IMPORT_ERROR is not None, IMPORT_ERROR or "")
@require_loopback_namespace
class WebrtcbinOffersWeAnswer(SdpAssertions, unittest.TestCase):
    """webrtcbin creates the offer, our core answers, webrtcbin applies it."""

    def setUp(self):
        self.tool = sdp_interop.tool_or_skip(self)

    def negotiate(self, sources="", video_caps=False, recvonly_audio=False, data=False):
        peer = Webrtcbin(sources)
        self.addCleanup(peer.close)
        if video_caps:
            peer.wb.emit(
                "add-transceiver",
                GstWebRTC.WebRTCRTPTransceiverDirection.SENDRECV,
                Gst.Caps.from_string(VIDEO_CAPS),
            )
        if recvonly_audio:
            peer.wb.emit(
                "add-transceiver",
                GstWebRTC.WebRTCRTPTransceiverDirection.RECVONLY,
                Gst.Caps.from_string(RECVONLY_AUDIO_CAPS),
            )
        if data:
            self.assertIsNotNone(peer.wb.emit("create-data-channel", "chat", None))
        offer_text = peer.create_offer()
        peer.set_local(GstWebRTC.WebRTCSDPType.OFFER, offer_text)

        proc = self.tool.answer(offer_text)
        self.assertEqual(proc.returncode, 0, f"our core rejected webrtcbin's offer: {proc.stderr}\n{offer_text}")
        offer, answer = parse(offer_text), parse(proc.stdout)
        self.assert_answer_matches_offer(offer, answer, "our answer to webrtcbin")
        for m in answer.media:
            self.assertFalse(m.rejected, f"our core rejected webrtcbin's {m.kind} m-line (mid {m.mid})")

        peer.set_remote(GstWebRTC.WebRTCSDPType.ANSWER, proc.stdout)
        self.assertEqual(peer.signaling_state(), "stable")
        remote = peer.description_text("current-remote-description")
        self.assertIsNotNone(remote, "webrtcbin kept no current remote description")
        self.assertEqual(parse(remote).mids(), answer.mids())
        # webrtcbin 1.22 reads back a transceiver's own direction as its
        # current-direction, so check what it associated instead: every RTP
        # m-line we answered belongs to the transceiver at that index.
        associated = peer.transceivers()
        for index, m in enumerate(answer.media):
            if m.is_rtp:
                self.assertEqual(associated.get(m.mid), index, f"webrtcbin's transceiver for mid {m.mid}")
        return peer, offer, answer

    def test_audio_offer(self):
        _, offer, answer = self.negotiate(AUDIO_LAUNCH)
        self.assertEqual([m.kind for m in answer.media], ["audio"])
        self.assertEqual(answer.media[0].rtpmaps()[answer.media[0].payload_types()[0]].split("/")[0], "opus")

    def test_recvonly_audio_offer(self):
        _, offer, answer = self.negotiate(recvonly_audio=True)
        self.assertEqual(offer.media[0].direction, "recvonly")
        self.assertIn(answer.media[0].direction, ("sendonly", "inactive"), "answer to a recvonly offer")

    def test_video_offer_vp8_h264(self):
        _, offer, answer = self.negotiate(video_caps=True)
        self.assertEqual([m.kind for m in answer.media], ["video"])
        codecs = {v.split("/")[0] for v in answer.media[0].rtpmaps().values()}
        self.assertTrue(codecs & {"vp8", "h264"}, f"neither VP8 nor H264 accepted: {codecs}")

    def test_audio_video_data_offer(self):
        peer, offer, answer = self.negotiate(AUDIO_LAUNCH + " " + VP8_LAUNCH, data=True)
        self.assertEqual([m.kind for m in answer.media], ["audio", "video", "application"])
        # (webrtcbin's sctp-transport property is not read: under 1.22's GI
        # annotations reading it unrefs the transport once too often.)


@unittest.skipIf(IMPORT_ERROR is not None, IMPORT_ERROR or "")
@require_loopback_namespace
class WeOfferWebrtcbinAnswers(SdpAssertions, unittest.TestCase):
    """Our core creates the offer, webrtcbin answers, our core applies it."""

    def setUp(self):
        self.tool = sdp_interop.tool_or_skip(self)

    def negotiate(self, audio=False, video=False, data=False):
        offer_text = self.tool.offer(audio=audio, video=video, data=data)
        offer = parse(offer_text)
        peer = Webrtcbin()
        self.addCleanup(peer.close)
        peer.set_remote(GstWebRTC.WebRTCSDPType.OFFER, offer_text)
        self.assertEqual(peer.signaling_state(), "have-remote-offer")
        answer_text = peer.create_answer()
        peer.set_local(GstWebRTC.WebRTCSDPType.ANSWER, answer_text)
        self.assertEqual(peer.signaling_state(), "stable")
        answer = parse(answer_text)
        self.assert_answer_matches_offer(offer, answer, "webrtcbin's answer to our offer")
        for m in answer.media:
            self.assertFalse(m.rejected, f"webrtcbin rejected our {m.kind} m-line (mid {m.mid})\n{offer_text}")

        proc = self.tool.check_answer(offer_text, answer_text)
        self.assert_check_answer_accepts(proc, answer, answer_text, "webrtcbin")
        return peer, offer, answer

    def test_audio(self):
        self.negotiate(audio=True)

    def test_video(self):
        self.negotiate(video=True)

    def test_audio_video_data(self):
        peer, offer, answer = self.negotiate(audio=True, video=True, data=True)
        self.assertEqual([m.kind for m in offer.media], ["audio", "video", "application"])
        self.assertEqual(answer.media[2].value("sctp-port"), "5000", "webrtcbin's answer: SCTP port")


if __name__ == "__main__":
    unittest.main(verbosity=2)
