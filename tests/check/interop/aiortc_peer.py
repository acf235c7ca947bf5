#!/usr/bin/python3
"""An aiortc RTCPeerConnection driven over a pipe: JSON lines on stdin are
commands, JSON lines on stdout are replies and events. Used by
test_peer_aiortc.py as the remote WebRTC peer (run in run-in-netns.sh's
loopback-only namespace; 127.0.0.1 is aiortc's one host address, no STUN).

aiortc gathers inside setLocalDescription and sends non-trickle SDP (its
candidates inside). Commands:
  {"cmd": "channel", "label": L}          create a data channel (before offering)
  {"cmd": "offer"}                        -> {"type": "offer", "sdp": ...}
  {"type": "offer", "sdp": ...}           -> {"type": "answer", "sdp": ...}
  {"type": "answer", "sdp": ...}          apply it
  {"cmd": "candidate", "candidate": C, "mline": N, "mid": M}   trickled candidate
  {"cmd": "send", "label": L, "text": T} or {"cmd": "send", "label": L, "b64": B}
  {"cmd": "close"}
Events: {"event": "datachannel"|"open"|"close", "label": L},
        {"event": "message", "label": L, "text": T} / {"..., "b64": B},
        {"event": "connectionstate", "state": S}, {"event": "error", "message": M}
"""
import asyncio
import base64
import json
import sys

import aioice.ice
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.sdp import candidate_from_sdp


def loopback_host_addresses(use_ipv4, use_ipv6):
    return ['127.0.0.1'] if use_ipv4 else []


aioice.ice.get_host_addresses = loopback_host_addresses


def emit(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()


async def main():
    loop = asyncio.get_running_loop()
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    channels = {}

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
            elif cmd == 'offer':
                await pc.setLocalDescription(await pc.createOffer())
                emit({'type': 'offer', 'sdp': pc.localDescription.sdp})
            elif msg.get('type') == 'offer':
                await pc.setRemoteDescription(RTCSessionDescription(sdp=msg['sdp'], type='offer'))
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
    emit({'event': 'closed'})


if __name__ == '__main__':
    asyncio.run(main())
