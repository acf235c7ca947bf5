#!/usr/bin/python3
"""An aiortc RTCPeerConnection driven over a pipe: JSON lines on stdin are
commands, JSON lines on stdout are replies and events. Used by
test_peer_aiortc.py and test_peer_media_aiortc.py as the remote WebRTC peer
(run in run-in-netns.sh's loopback-only namespace; 127.0.0.1 is aiortc's one
host address, no STUN).

aiortc gathers inside setLocalDescription and sends non-trickle SDP (its
candidates inside). Commands:
  {"cmd": "channel", "label": L}          create a data channel (before offering)
  {"cmd": "offer"}                        -> {"type": "offer", "sdp": ...}
  {"type": "offer", "sdp": ...}           -> {"type": "answer", "sdp": ...}
  {"type": "answer", "sdp": ...}          apply it
  {"cmd": "candidate", "candidate": C, "mline": N, "mid": M}   trickled candidate
  {"cmd": "send", "label": L, "text": T} or {"cmd": "send", "label": L, "b64": B}
  {"cmd": "close"}
Media (test_peer_media_aiortc.py):
  {"cmd": "tracks", "kinds": ["video", "audio"], "width": W, "height": H}
        tracks aiortc sends: added (addTrack) before its next offer, or
        after the next remote offer is applied (taking the offer's m-lines)
  {"cmd": "lose", "kind": "video", "way": "out"|"in", "rate": R, "seed": S}
        drop that share of the kind's RTP leaving (before encryption) or
        arriving (after decryption; before the receiver sees it);
        retransmissions (RTX) are spared   -> {"event": "losing", "pts": [...]}
  {"cmd": "pli", "kind": "video"}        each such receiver asks its sources for a
        keyframe (RTCP PLI)   -> {"event": "pli-sent", "ssrcs": [...]}
  {"cmd": "report"}  -> {"event": "report", "nacked": [...], "rtx": [...],
        "lost": [...], "lost_in": [...], "retransmitted": n,
        "plis_sent": n, "plis_received": n, "rtcp_in": {"Sr": n, "Psfb:1": n, ...}}
        (sequence numbers; RTCP received by type[:fmt])
Events: {"event": "datachannel"|"open"|"close", "label": L},
        {"event": "message", "label": L, "text": T} / {"..., "b64": B},
        {"event": "connectionstate", "state": S}, {"event": "error", "message": M},
        {"event": "track", "kind": K, "mid": M},
        {"event": "frames", "kind": K, "count": N, "width": W, "height": H,
         "rate": R, "samples": S}  (decoded frames: at 1, 5, then every 10),
        {"event": "ended", "kind": K, "count": N}
"""
import asyncio
import base64
import fractions
import json
import math
import os
import random
import sys
import time

import aioice.ice
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.sdp import candidate_from_sdp


def loopback_host_addresses(use_ipv4, use_ipv6):
    return ['127.0.0.1'] if use_ipv4 else []


aioice.ice.get_host_addresses = loopback_host_addresses


def emit(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()


# --- media --------------------------------------------------------------
# What aiortc's RTP machinery did, seen through its own functions (wrapped
# once at start): the NACKs its receivers sent, the packets RTX brought
# back, its senders' retransmissions and keyframe requests both ways.
FEEDBACK = {'nacked': set(), 'rtx': set(), 'lost': [], 'lost_in': [], 'retransmitted': 0, 'plis_sent': 0,
            'plis_received': 0, 'rtcp_in': {}}
# (way, kind) -> (payload types, loss rate, random.Random): the "lose" command.
LOSS = {}


def lost(way, data):
    """Whether RTP packet `data` going `way` is to be lost (and noted)."""
    pt = data[1] & 0x7f
    for (w, _kind), (pts, rate, rng) in LOSS.items():
        if w == way and pt in pts and rng.random() < rate:
            FEEDBACK['lost' if way == 'out' else 'lost_in'].append(int.from_bytes(data[2:4], 'big'))
            return True
    return False


def instrument():
    import aiortc.rtcdtlstransport as dtls
    import aiortc.rtcrtpreceiver as receiver
    import aiortc.rtcrtpsender as sender
    from aiortc.rtp import RtcpPacket

    unwrap = receiver.unwrap_rtx

    def unwrap_rtx(packet, payload_type, ssrc):
        out = unwrap(packet, payload_type=payload_type, ssrc=ssrc)
        FEEDBACK['rtx'].add(out.sequence_number)
        return out

    receiver.unwrap_rtx = unwrap_rtx

    send_nack = receiver.RTCRtpReceiver._send_rtcp_nack

    async def _send_rtcp_nack(self, media_ssrc, lost):
        FEEDBACK['nacked'].update(lost)
        await send_nack(self, media_ssrc, lost)

    receiver.RTCRtpReceiver._send_rtcp_nack = _send_rtcp_nack

    send_pli = receiver.RTCRtpReceiver._send_rtcp_pli

    async def _send_rtcp_pli(self, media_ssrc):
        FEEDBACK['plis_sent'] += 1
        await send_pli(self, media_ssrc)

    receiver.RTCRtpReceiver._send_rtcp_pli = _send_rtcp_pli

    retransmit = sender.RTCRtpSender._retransmit

    async def _retransmit(self, seq):
        FEEDBACK['retransmitted'] += 1
        await retransmit(self, seq)

    sender.RTCRtpSender._retransmit = _retransmit

    keyframe = sender.RTCRtpSender._send_keyframe

    def _send_keyframe(self):
        FEEDBACK['plis_received'] += 1
        keyframe(self)

    sender.RTCRtpSender._send_keyframe = _send_keyframe

    send_rtp = dtls.RTCDtlsTransport._send_rtp

    async def _send_rtp(self, data):
        # RTP only (RTCP packet types are 192..223 in the second byte).
        if len(data) >= 12 and not 192 <= data[1] <= 223 and lost('out', data):
            return
        await send_rtp(self, data)

    dtls.RTCDtlsTransport._send_rtp = _send_rtp

    handle_rtp = dtls.RTCDtlsTransport._handle_rtp_data

    async def _handle_rtp_data(self, data, arrival_time_ms):
        if len(data) >= 12 and lost('in', data):
            return
        await handle_rtp(self, data, arrival_time_ms)

    dtls.RTCDtlsTransport._handle_rtp_data = _handle_rtp_data

    handle_rtcp = dtls.RTCDtlsTransport._handle_rtcp_data

    async def _handle_rtcp_data(self, data):
        try:
            for packet in RtcpPacket.parse(data):
                name = type(packet).__name__.replace('Rtcp', '').replace('Packet', '')
                if hasattr(packet, 'fmt'):
                    name += f':{packet.fmt}'
                FEEDBACK['rtcp_in'][name] = FEEDBACK['rtcp_in'].get(name, 0) + 1
        except ValueError:
            FEEDBACK['rtcp_in']['unparsable'] = FEEDBACK['rtcp_in'].get('unparsable', 0) + 1
        await handle_rtcp(self, data)

    dtls.RTCDtlsTransport._handle_rtcp_data = _handle_rtcp_data


def make_track(kind, width, height):
    """A live track of aiortc's own: a moving gradient at 30 fps, or a
    440 Hz sine (48 kHz mono, 20 ms frames)."""
    import av
    import numpy
    from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack

    if kind == 'video':
        class Gradient(VideoStreamTrack):
            async def recv(self):
                pts, time_base = await self.next_timestamp()
                n = pts // 3000
                y = (numpy.add.outer(numpy.arange(height), numpy.arange(width)) + 4 * n) % 256
                img = numpy.stack([y, (y * 2) % 256, 255 - y], axis=2).astype(numpy.uint8)
                frame = av.VideoFrame.from_ndarray(img, format='bgr24')
                frame.pts = pts
                frame.time_base = time_base
                return frame
        return Gradient()

    class Sine(AudioStreamTrack):
        rate = 48000
        samples = 960

        async def recv(self):
            if hasattr(self, '_timestamp'):
                self._timestamp += self.samples
                await asyncio.sleep(self._start + self._timestamp / self.rate - time.time())
            else:
                self._start = time.time()
                self._timestamp = 0
            t = (self._timestamp + numpy.arange(self.samples)) / self.rate
            pcm = (8000 * numpy.sin(2 * math.pi * 440 * t)).astype(numpy.int16).reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(pcm, format='s16', layout='mono')
            frame.pts = self._timestamp
            frame.sample_rate = self.rate
            frame.time_base = fractions.Fraction(1, self.rate)
            return frame
    return Sine()


async def consume(track):
    """Decoded frames of a received track, reported as they come."""
    from aiortc.mediastreams import MediaStreamError
    n = 0
    while True:
        try:
            frame = await track.recv()
        except MediaStreamError:
            emit({'event': 'ended', 'kind': track.kind, 'count': n})
            return
        n += 1
        if n in (1, 5) or n % 10 == 0:
            ev = {'event': 'frames', 'kind': track.kind, 'count': n}
            if track.kind == 'video':
                ev.update(width=frame.width, height=frame.height)
            else:
                ev.update(rate=frame.sample_rate, samples=frame.samples)
            emit(ev)


async def main():
    loop = asyncio.get_running_loop()
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    channels = {}
    pending_tracks = []  # (kind, width, height) not added yet
    consumers = []

    def add_pending():
        for kind, width, height in pending_tracks:
            pc.addTrack(make_track(kind, width, height))
        pending_tracks.clear()

    @pc.on('track')
    def on_track(track):
        mid = next((t.mid for t in pc.getTransceivers() if t.receiver.track is track), None)
        emit({'event': 'track', 'kind': track.kind, 'mid': mid})
        consumers.append(asyncio.ensure_future(consume(track)))

    def watch(ch):
        channels[ch.label] = ch

        @ch.on('open')
        def on_open():
            emit({'event': 'open', 'label': ch.label})

        @ch.on('close')
        def on_close():
            emit({'event': 'close', 'label': ch.label})

        @ch.on('message')
        def on_message(m):
            if isinstance(m, str):
                emit({'event': 'message', 'label': ch.label, 'text': m})
            else:
                emit({'event': 'message', 'label': ch.label, 'b64': base64.b64encode(m).decode()})

        if ch.readyState == 'open':
            emit({'event': 'open', 'label': ch.label})

    @pc.on('datachannel')
    def on_datachannel(ch):
        emit({'event': 'datachannel', 'label': ch.label})
        watch(ch)

    @pc.on('connectionstatechange')
    def on_state():
        emit({'event': 'connectionstate', 'state': pc.connectionState})

    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            break
        msg = json.loads(line)
        try:
            cmd = msg.get('cmd')
            if cmd == 'channel':
                watch(pc.createDataChannel(msg['label']))
            elif cmd == 'tracks':
                pending_tracks.extend((k, msg.get('width', 320), msg.get('height', 240)) for k in msg['kinds'])
            elif cmd == 'lose':
                # The kind's negotiated payload types, RTX left out (the
                # retransmissions are what repairs the losses).
                from aiortc.codecs import is_rtx
                pts = {c.payloadType for t in pc.getTransceivers() if t.kind == msg['kind']
                       for c in t._codecs if not is_rtx(c)}
                LOSS[(msg.get('way', 'out'), msg['kind'])] = (pts, msg['rate'], random.Random(msg.get('seed', 0)))
                emit({'event': 'losing', 'kind': msg['kind'], 'pts': sorted(pts)})
            elif cmd == 'pli':
                ssrcs = []
                for t in pc.getTransceivers():
                    if t.kind == msg['kind']:
                        for source in t.receiver.getSynchronizationSources():
                            await t.receiver._send_rtcp_pli(source.source)
                            ssrcs.append(source.source)
                emit({'event': 'pli-sent', 'ssrcs': ssrcs})
            elif cmd == 'report':
                emit({'event': 'report', 'nacked': sorted(FEEDBACK['nacked']), 'rtx': sorted(FEEDBACK['rtx']),
                      'lost': FEEDBACK['lost'], 'lost_in': FEEDBACK['lost_in'],
                      'retransmitted': FEEDBACK['retransmitted'],
                      'plis_sent': FEEDBACK['plis_sent'], 'plis_received': FEEDBACK['plis_received'],
                      'rtcp_in': FEEDBACK['rtcp_in']})
            elif cmd == 'offer':
                add_pending()
                await pc.setLocalDescription(await pc.createOffer())
                emit({'type': 'offer', 'sdp': pc.localDescription.sdp})
            elif msg.get('type') == 'offer':
                await pc.setRemoteDescription(RTCSessionDescription(sdp=msg['sdp'], type='offer'))
                add_pending()
                await pc.setLocalDescription(await pc.createAnswer())
                emit({'type': 'answer', 'sdp': pc.localDescription.sdp})
            elif msg.get('type') == 'answer':
                await pc.setRemoteDescription(RTCSessionDescription(sdp=msg['sdp'], type='answer'))
                emit({'event': 'applied', 'type': 'answer'})
            elif cmd == 'candidate':
                text = msg['candidate']
                if text.startswith('candidate:'):
                    text = text[len('candidate:'):]
                c = candidate_from_sdp(text)
                c.sdpMid = msg.get('mid')
                c.sdpMLineIndex = msg.get('mline')
                await pc.addIceCandidate(c)
            elif cmd == 'send':
                ch = channels[msg['label']]
                ch.send(msg['text'] if 'text' in msg else base64.b64decode(msg['b64']))
            elif cmd == 'close':
                break
        except Exception as e:  # report, keep serving: the test decides
            emit({'event': 'error', 'message': f'{type(e).__name__}: {e}'})
    await pc.close()
    for c in consumers:
        c.cancel()
    emit({'event': 'closed'})


if __name__ == '__main__':
    if os.environ.get('AIORTC_PEER_LOG'):
        # e.g. AIORTC_PEER_LOG=DEBUG: aiortc's own log on stderr.
        import logging
        logging.basicConfig(level=os.environ['AIORTC_PEER_LOG'])
    instrument()
    asyncio.run(main())
