#!/usr/bin/python3
"""Writes golden SDP produced by aiortc (Debian python3-aiortc).

aiortc gathers candidates inside setLocalDescription, so its local
description always carries them. Debian's aioice skips 127.0.0.1 when it
lists host addresses, which in a loopback-only namespace would leave no
candidate at all; this script therefore tells aioice that 127.0.0.1 is the
one host address. STUN is off (iceServers=[]; aiortc's default would name a
public STUN server). Nothing is edited after aiortc returns the SDP: random
ids (ICE credentials, fingerprint, SSRCs, cname, msid, ports) stay as drawn.

Run it through gen_all.sh, which starts it inside a private network
namespace holding only loopback:

    unshare -n sh -c 'ip link set lo up && exec /usr/bin/python3 -B gen_aiortc.py OUTDIR'
"""

import argparse
import asyncio
import os
import socket
import sys

import aioice.ice
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.exceptions import InvalidStateError
from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack

HERE = os.path.dirname(os.path.abspath(__file__))
SDP_DIR = os.path.dirname(HERE)


def only_loopback():
    return [name for _, name in socket.if_nameindex()] == ["lo"]


def loopback_host_addresses(use_ipv4, use_ipv6):
    return ["127.0.0.1"] if use_ipv4 else []


def new_pc():
    return RTCPeerConnection(RTCConfiguration(iceServers=[]))


async def offer(audio, video, data):
    pc = new_pc()
    try:
        if audio:
            pc.addTrack(AudioStreamTrack())
        if video:
            pc.addTrack(VideoStreamTrack())
        if data:
            pc.createDataChannel("chat")
        await pc.setLocalDescription(await pc.createOffer())
        return pc.localDescription.sdp
    finally:
        await pc.close()


async def answer_to(offer_text):
    # Like aiortc's own server examples: take the offer, then attach one
    # track per media kind the offer has, then answer.
    pc = new_pc()
    try:
        await pc.setRemoteDescription(RTCSessionDescription(sdp=offer_text, type="offer"))
        for transceiver in pc.getTransceivers():
            if transceiver.kind == "audio":
                pc.addTrack(AudioStreamTrack())
            elif transceiver.kind == "video":
                pc.addTrack(VideoStreamTrack())
        await pc.setLocalDescription(await pc.createAnswer())
        return pc.localDescription.sdp
    finally:
        await pc.close()


def write(outdir, name, text):
    path = os.path.join(outdir, name)
    with open(path, "w", newline="") as f:
        f.write(text)
    print(f"wrote {path}")


def quiet_closed_transport(loop, context):
    # Closing a peer right after setLocalDescription(answer) aborts the ICE
    # start task aiortc spawned; that is expected here, not an error.
    if not isinstance(context.get("exception"), InvalidStateError):
        loop.default_exception_handler(context)


async def generate(args):
    asyncio.get_running_loop().set_exception_handler(quiet_closed_transport)
    write(args.outdir, "aiortc-audio-video.offer.sdp", await offer(True, True, False))
    write(args.outdir, "aiortc-data.offer.sdp", await offer(False, False, True))
    write(args.outdir, "aiortc-audio-video-data.offer.sdp", await offer(True, True, True))
    with open(args.chrome_offer, newline="") as f:
        chrome = f.read()
    write(args.outdir, "aiortc-chrome-audio-video-data.answer.sdp", await answer_to(chrome))


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
    aioice.ice.get_host_addresses = loopback_host_addresses
    asyncio.run(generate(args))


if __name__ == "__main__":
    main()
