#!/usr/bin/python3
"""Writes golden SDP produced by GStreamer's webrtcbin (gst-plugins-bad).

webrtcbin is only a test peer for gst-rtc, never a dependency. The offers
come straight from create-offer (no local description is set, so webrtcbin
gathers no candidates and the output is deterministic except for the random
ids a real stack draws: ICE credentials, fingerprint, session id, SSRCs,
cname). Nothing is edited after webrtcbin returns it.

Run it through gen_all.sh, which starts it inside a private network
namespace holding only loopback:

    unshare -n sh -c 'ip link set lo up && exec /usr/bin/python3 -B gen_webrtcbin.py OUTDIR'
"""

import argparse
import os
import socket
import sys
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstSdp", "1.0")
gi.require_version("GstWebRTC", "1.0")
from gi.repository import Gst, GstSdp, GstWebRTC  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SDP_DIR = os.path.dirname(HERE)

OPUS_CAPS = (
    "application/x-rtp,media=audio,encoding-name=OPUS,payload=111,clock-rate=48000,"
    "encoding-params=(string)2,minptime=(string)10,useinbandfec=(string)1"
)
# What rtpvp8pay / rtph264pay put on their src pads, plus the feedback
# webrtcbin turns into a=rtcp-fb lines.
VP8_CAPS = (
    "application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000,"
    "rtcp-fb-nack=(boolean)true,rtcp-fb-nack-pli=(boolean)true,rtcp-fb-ccm-fir=(boolean)true"
)
H264_CAPS = (
    "application/x-rtp,media=video,encoding-name=H264,payload=102,clock-rate=90000,"
    "packetization-mode=(string)1,profile-level-id=(string)42e01f,level-asymmetry-allowed=(string)1,"
    "rtcp-fb-nack=(boolean)true,rtcp-fb-nack-pli=(boolean)true,rtcp-fb-ccm-fir=(boolean)true"
)


def only_loopback():
    # if_nameindex asks the kernel about this process's network namespace
    # (/sys/class/net may still show the host's).
    return [name for _, name in socket.if_nameindex()] == ["lo"]


def promise_call(element, signal, *args, field=None):
    """Emits an action signal that takes a GstPromise last.

    Returns the SDP text of the reply's session description `field`, read
    while the promise (which owns the reply and what it holds) is alive."""
    promise = Gst.Promise.new()
    element.emit(signal, *args, promise)
    result = promise.wait()
    if result != Gst.PromiseResult.REPLIED:
        raise RuntimeError(f"{signal}: promise {result.value_nick}")
    reply = promise.get_reply()
    if reply is not None and reply.has_field("error"):
        raise RuntimeError(f"{signal}: {reply.get_value('error').message}")
    return reply.get_value(field).sdp.as_text() if field else None


class Peer:
    """One webrtcbin (max-bundle, no STUN) in a pipeline of its own."""

    def __init__(self, launch=None):
        if launch:
            self.pipe = Gst.parse_launch(launch)
            self.wb = self.pipe.get_by_name("wb")
        else:
            self.pipe = Gst.Pipeline.new()
            self.wb = Gst.ElementFactory.make("webrtcbin", "wb")
            self.pipe.add(self.wb)
        self.wb.set_property("bundle-policy", GstWebRTC.WebRTCBundlePolicy.MAX_BUNDLE)
        self.wb.set_property("stun-server", None)
        self.pipe.set_state(Gst.State.PLAYING)

    def wait_for_sink_caps(self, count, timeout=10.0):
        """Offers from linked pads use the caps that reached the pads."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pads = [p for p in self.wb.sinkpads if p.get_name().startswith("sink_")]
            if len(pads) >= count and all(p.has_current_caps() for p in pads):
                return
            time.sleep(0.05)
        raise RuntimeError("payloaded caps never reached webrtcbin")

    def add_transceiver(self, direction, caps, do_nack=False):
        trans = self.wb.emit("add-transceiver", direction, Gst.Caps.from_string(caps))
        if do_nack:
            trans.set_property("do-nack", True)
        return trans

    def create_data_channel(self, label):
        channel = self.wb.emit("create-data-channel", label, None)
        if channel is None:
            raise RuntimeError("create-data-channel failed")
        return channel

    def create_offer(self):
        return promise_call(self.wb, "create-offer", None, field="offer")

    def answer(self, offer_text):
        res, msg = GstSdp.SDPMessage.new_from_text(offer_text)
        if res != GstSdp.SDPResult.OK:
            raise RuntimeError("GstSdp cannot parse the offer")
        desc = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.OFFER, msg)
        promise_call(self.wb, "set-remote-description", desc)
        return promise_call(self.wb, "create-answer", None, field="answer")

    def close(self):
        self.pipe.set_state(Gst.State.NULL)


def audio_offer():
    peer = Peer(
        "webrtcbin name=wb audiotestsrc is-live=true wave=sine ! opusenc ! "
        "rtpopuspay pt=111 ! queue ! wb."
    )
    try:
        peer.wait_for_sink_caps(1)
        return peer.create_offer()
    finally:
        peer.close()


def video_offer():
    # One m-line offering VP8 and H264 (codec preferences in payloader caps),
    # with NACK so webrtcbin adds RTX.
    peer = Peer()
    try:
        peer.add_transceiver(
            GstWebRTC.WebRTCRTPTransceiverDirection.SENDRECV, VP8_CAPS + ";" + H264_CAPS, do_nack=True
        )
        return peer.create_offer()
    finally:
        peer.close()


def audio_video_data_offer():
    peer = Peer(
        "webrtcbin name=wb "
        "audiotestsrc is-live=true ! opusenc ! rtpopuspay pt=111 ! queue ! wb. "
        "videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=30/1 ! "
        "vp8enc deadline=1 ! rtpvp8pay pt=96 ! queue ! wb."
    )
    try:
        peer.wait_for_sink_caps(2)
        peer.create_data_channel("chat")
        return peer.create_offer()
    finally:
        peer.close()


def data_offer():
    peer = Peer()
    try:
        peer.create_data_channel("chat")
        return peer.create_offer()
    finally:
        peer.close()


def answer_to(offer_path):
    # No transceivers of its own: webrtcbin makes them from the offer and
    # answers recvonly with the first codec of each m-line it can use.
    peer = Peer()
    try:
        with open(offer_path, newline="") as f:
            return peer.answer(f.read())
    finally:
        peer.close()


def write(outdir, name, text):
    path = os.path.join(outdir, name)
    with open(path, "w", newline="") as f:
        f.write(text)
    print(f"wrote {path}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir", nargs="?", default=SDP_DIR)
    ap.add_argument("--chrome-offer", default=os.path.join(SDP_DIR, "chrome-audio-video-data.offer.sdp"))
    ap.add_argument(
        "--allow-host-network", action="store_true", help="run outside a loopback-only network namespace"
    )
    args = ap.parse_args()
    if not only_loopback() and not args.allow_host_network:
        sys.exit("refusing to run outside a loopback-only network namespace (see gen_all.sh)")

    Gst.init(None)
    write(args.outdir, "webrtcbin-audio.offer.sdp", audio_offer())
    write(args.outdir, "webrtcbin-video.offer.sdp", video_offer())
    write(args.outdir, "webrtcbin-audio-video-data.offer.sdp", audio_video_data_offer())
    write(args.outdir, "webrtcbin-data.offer.sdp", data_offer())
    write(args.outdir, "webrtcbin-chrome-audio-video-data.answer.sdp", answer_to(args.chrome_offer))


if __name__ == "__main__":
    main()
