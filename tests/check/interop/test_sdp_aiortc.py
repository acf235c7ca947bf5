#!/usr/bin/python3
"""SDP-level interop between our JSEP core (gst-rtc-jsep) and aiortc.

Both directions: aiortc offers and applies our answer; we offer and accept
aiortc's answer. aiortc gathers ICE candidates inside setLocalDescription,
so this runs inside a loopback-only network namespace (run-in-netns.sh),
with STUN off and 127.0.0.1 as aiortc's one host address (Debian's aioice
skips 127.0.0.1 when it lists interfaces).
"""

import asyncio
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sdp_interop  # noqa: E402
from sdp_interop import REVERSE, SdpAssertions, parse, require_loopback_namespace  # noqa: E402

try:
    import aioice.ice
    from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
    from aiortc.exceptions import InvalidStateError
    from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack

    IMPORT_ERROR = None
except ImportError as e:
    IMPORT_ERROR = f"aiortc unavailable: {e}"

TIMEOUT = 20.0


def loopback_host_addresses(use_ipv4, use_ipv6):
    return ["127.0.0.1"] if use_ipv4 else []


def quiet_closed_transport(loop, context):
    # Closing a peer right after it applied an answer aborts the ICE start
    # task aiortc spawned; expected here, not a failure.
    if not isinstance(context.get("exception"), InvalidStateError):
        loop.default_exception_handler(context)


class AiortcCase(SdpAssertions, unittest.TestCase):
    def setUp(self):
        self.tool = sdp_interop.tool_or_skip(self)
        self._saved_host_addresses = aioice.ice.get_host_addresses
        aioice.ice.get_host_addresses = loopback_host_addresses
        self.addCleanup(setattr, aioice.ice, "get_host_addresses", self._saved_host_addresses)

    def run_async(self, coro):
        async def main():
            asyncio.get_running_loop().set_exception_handler(quiet_closed_transport)
            return await asyncio.wait_for(coro, TIMEOUT)

        return asyncio.run(main())


@unittest.skipIf(IMPORT_ERROR is not None, IMPORT_ERROR or "")
@require_loopback_namespace
class AiortcOffersWeAnswer(AiortcCase):
    """aiortc creates the offer, our core answers, aiortc applies it."""

    def negotiate(self, audio=False, video=False, data=False):
        async def flow():
            pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
            try:
                if audio:
                    pc.addTrack(AudioStreamTrack())
                if video:
                    pc.addTrack(VideoStreamTrack())
                if data:
                    pc.createDataChannel("chat")
                await pc.setLocalDescription(await pc.createOffer())
                offer_text = pc.localDescription.sdp

                proc = self.tool.answer(offer_text)
                self.assertEqual(
                    proc.returncode, 0, f"our core rejected aiortc's offer: {proc.stderr}\n{offer_text}"
                )
                offer, answer = parse(offer_text), parse(proc.stdout)
                self.assert_answer_matches_offer(offer, answer, "our answer to aiortc")
                for m in answer.media:
                    self.assertFalse(m.rejected, f"our core rejected aiortc's {m.kind} m-line (mid {m.mid})")

                try:
                    await pc.setRemoteDescription(RTCSessionDescription(sdp=proc.stdout, type="answer"))
                except ValueError as e:
                    self.fail(f"aiortc rejected our answer: {e}\n{proc.stdout}")
                self.assertEqual(pc.signalingState, "stable")
                by_mid = {t.mid: t for t in pc.getTransceivers()}
                for m in answer.media:
                    if m.is_rtp:
                        self.assertIn(m.mid, by_mid, f"aiortc has no transceiver for mid {m.mid}")
                        self.assertEqual(
                            by_mid[m.mid].currentDirection,
                            REVERSE[m.direction or "sendrecv"],
                            f"aiortc's current direction for mid {m.mid} after our answer",
                        )
                if data:
                    self.assertIsNotNone(pc.sctp, "aiortc has no SCTP transport after our answer")
                return offer, answer
            finally:
                await pc.close()

        return self.run_async(flow())

    def test_audio_video_offer(self):
        offer, answer = self.negotiate(audio=True, video=True)
        self.assertEqual([m.kind for m in answer.media], ["audio", "video"])

    def test_audio_video_data_offer(self):
        offer, answer = self.negotiate(audio=True, video=True, data=True)
        self.assertEqual([m.kind for m in answer.media], ["audio", "video", "application"])

    def test_data_offer(self):
        offer, answer = self.negotiate(data=True)
        self.assertEqual([m.kind for m in answer.media], ["application"])


@unittest.skipIf(IMPORT_ERROR is not None, IMPORT_ERROR or "")
@require_loopback_namespace
class WeOfferAiortcAnswers(AiortcCase):
    """Our core creates the offer, aiortc answers, our core applies it."""

    def negotiate(self, audio=False, video=False, data=False, with_tracks=False):
        offer_text = self.tool.offer(audio=audio, video=video, data=data)
        offer = parse(offer_text)

        async def flow():
            pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
            try:
                try:
                    await pc.setRemoteDescription(RTCSessionDescription(sdp=offer_text, type="offer"))
                except ValueError as e:
                    self.fail(f"aiortc rejected our offer: {e}\n{offer_text}")
                self.assertEqual(pc.signalingState, "have-remote-offer")
                if with_tracks:
                    for transceiver in pc.getTransceivers():
                        pc.addTrack(AudioStreamTrack() if transceiver.kind == "audio" else VideoStreamTrack())
                await pc.setLocalDescription(await pc.createAnswer())
                self.assertEqual(pc.signalingState, "stable")
                return pc.localDescription.sdp
            finally:
                await pc.close()

        answer_text = self.run_async(flow())
        answer = parse(answer_text)
        self.assert_answer_matches_offer(offer, answer, "aiortc's answer to our offer")
        for m in answer.media:
            self.assertFalse(m.rejected, f"aiortc rejected our {m.kind} m-line (mid {m.mid})\n{offer_text}")

        proc = self.tool.check_answer(offer_text, answer_text)
        self.assert_check_answer_accepts(proc, answer, answer_text, "aiortc")
        return offer, answer

    def test_audio_video_data_recvonly_answer(self):
        offer, answer = self.negotiate(audio=True, video=True, data=True)
        self.assertEqual([m.kind for m in answer.media], ["audio", "video", "application"])

    def test_audio_video_sendrecv_answer(self):
        offer, answer = self.negotiate(audio=True, video=True, with_tracks=True)
        for om, am in zip(offer.media, answer.media):
            self.assertEqual(
                am.direction,
                REVERSE[om.direction or "sendrecv"],
                f"aiortc holding a track answers the full reverse of our direction (mid {am.mid})",
            )

    def test_data_only(self):
        offer, answer = self.negotiate(data=True)
        self.assertEqual([m.kind for m in answer.media], ["application"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
