#!/usr/bin/python3
# gst-rtc: WebRTC for GStreamer
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A sendrecv call between two rtcpeerbins in one process (Python / GI).

alice and bob each send VP8 video and Opus audio and decode what the other
sends; alice also opens a data channel that bob answers on. The offer, the
answer and the trickled ICE candidates travel as text messages through
`send_to_peer()`, the one place where a real application would use its
signalling channel (a WebSocket, ...). ICE stays on 127.0.0.1.

The encoders link straight into the bins' `sink_%u` pads: rtcpeerbin
payloads encoded media itself (webrtcbin needs `rtpvp8pay`/`rtpopuspay`
first). Received tracks appear as `src_%u` pads (`pad-added`), decoded here
by `rtcdepay` (the depayloader is picked from the caps) and a decoder.

    sendrecv.py [FRAMES]   exit status 0 once both sides decoded FRAMES
                           video and audio frames (default 30) and the
                           data channel message was answered
"""
import sys
import threading

import gi

gi.require_version('Gst', '1.0')
gi.require_version('GstRtc', '1.0')
from gi.repository import GLib, Gst, GstRtc  # noqa: E402

FRAMES = int(sys.argv[1]) if len(sys.argv) > 1 else 30
TIMEOUT_S = 30

VIDEO = ('videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=30/1 ! '
         'vp8enc deadline=1 keyframe-max-dist=30')
AUDIO = 'audiotestsrc is-live=true wave=sine ! opusenc'
DECODERS = {'VP8': 'vp8dec', 'OPUS': 'opusdec'}


class Peer:
    def __init__(self, name, pipeline):
        self.name = name
        self.pipeline = pipeline
        self.other = None
        self.lock = threading.Lock()
        self.frames = {'video': 0, 'audio': 0}
        self.bin = Gst.ElementFactory.make('rtcpeerbin', name)
        if self.bin is None:
            raise SystemExit('no element rtcpeerbin (run inside `meson devenv -C build`)')
        # Host candidates on loopback only: nothing leaves this machine.
        self.bin.set_property('ice-local-addresses', ['127.0.0.1'])
        pipeline.add(self.bin)
        self.bin.connect('on-negotiation-needed', self.on_negotiation_needed)
        self.bin.connect('on-ice-candidate', self.on_ice_candidate)
        self.bin.connect('pad-added', self.on_pad_added)
        self.bin.connect('notify::connection-state', self.on_state)
        self.sink_pads = []
        for description in (VIDEO, AUDIO):
            source = Gst.parse_bin_from_description(description, True)
            pipeline.add(source)
            source.link_pads('src', self.bin, 'sink_%u')
            self.sink_pads.append(source.get_static_pad('src').get_peer())
        self.negotiated = False

    def ready(self):
        """Each sink pad got its caps and with them its transceiver."""
        return all(p.get_property('transceiver') is not None for p in self.sink_pads)

    def offer(self):
        print(f'{self.name}: creating an offer', flush=True)
        promise = Gst.Promise.new_with_change_func(self.on_description_created, 'offer')
        self.bin.emit('create-offer', None, promise)

    # --- signalling ----------------------------------------------------------
    def send_to_peer(self, message):
        """The signalling channel. A real application sends `message` (plain
        strings: easy to put in JSON) to the remote peer here, and calls
        `on_message()` there when it arrives. In this process the other Peer
        object is the remote peer."""
        self.other.on_message(message)

    def on_message(self, message):
        kind = message['type']
        if kind in ('offer', 'answer'):
            sdp_type = GstRtc.SdpType.OFFER if kind == 'offer' else GstRtc.SdpType.ANSWER
            description = GstRtc.SessionDescription.new_from_string(sdp_type, message['sdp'])
            self.bin.emit('set-remote-description', description, None)
            if kind == 'offer':
                promise = Gst.Promise.new_with_change_func(self.on_description_created, 'answer')
                self.bin.emit('create-answer', None, promise)
        elif kind == 'candidate':
            # An empty candidate is end-of-candidates.
            self.bin.emit('add-ice-candidate', message['mline'], message['candidate'], None)

    def on_negotiation_needed(self, element):
        # The first offer waits until both sides have linked their media
        # (Call.check): then it covers everything and the answerer's pads
        # take its m-lines and send too. Later changes renegotiate here.
        stable = element.get_property('signaling-state') == GstRtc.SignalingState.STABLE
        print(f'{self.name}: negotiation needed', flush=True)
        if self.negotiated and stable:
            self.offer()

    def on_description_created(self, promise, kind):
        promise.wait()
        reply = promise.get_reply()
        if reply is None or not reply.has_field(kind):
            error = reply.get_value('error') if reply is not None and reply.has_field('error') else None
            print(f'{self.name}: create-{kind} failed: {error.message if error else "no reply"}', flush=True)
            return
        description = reply.get_value(kind)
        # Actions queue on the bin's operations chain, in call order.
        self.bin.emit('set-local-description', description, None)
        self.negotiated = self.other.negotiated = True
        self.send_to_peer({'type': kind, 'sdp': description.to_string()})

    def on_ice_candidate(self, element, mline, candidate):
        self.send_to_peer({'type': 'candidate', 'mline': mline, 'candidate': candidate})

    # --- media -----------------------------------------------------------------
    def on_pad_added(self, element, pad):
        if pad.get_direction() != Gst.PadDirection.SRC:
            return
        s = (pad.get_current_caps() or pad.query_caps(None)).get_structure(0)
        media, encoding = s.get_string('media'), s.get_string('encoding-name').upper()
        decoder = DECODERS.get(encoding)
        if decoder is None:
            print(f'{self.name}: no decoder for {encoding}', flush=True)
            return
        print(f'{self.name}: receiving {media} ({encoding}) on {pad.get_name()}', flush=True)
        sink = Gst.parse_bin_from_description(
            f'queue ! rtcdepay ! {decoder} ! fakesink name=count signal-handoffs=true', True)
        sink.get_by_name('count').connect('handoff', self.on_frame, media)
        self.pipeline.add(sink)
        sink.sync_state_with_parent()
        pad.link(sink.get_static_pad('sink'))

    def on_frame(self, sink, buffer, pad, media):
        with self.lock:
            self.frames[media] += 1

    def decoded_enough(self):
        with self.lock:
            return min(self.frames.values()) >= FRAMES

    def on_state(self, element, pspec):
        state = element.get_property('connection-state')
        print(f'{self.name}: connection-state = {state.value_nick}', flush=True)


class Call:
    def __init__(self):
        self.pipeline = Gst.Pipeline.new('call')
        self.alice = Peer('alice', self.pipeline)
        self.bob = Peer('bob', self.pipeline)
        self.alice.other, self.bob.other = self.bob, self.alice
        self.loop = GLib.MainLoop()
        self.reply = None
        self.ok = False
        self.started = False
        self.ticks = 0
        # The data channel: alice opens it, bob answers each message.
        self.bob.bin.connect('on-data-channel', self.on_data_channel)
        self.channel = self.alice.bin.emit('create-data-channel', 'chat', None)
        self.channel.connect('on-open', lambda ch: ch.emit('send-string', 'hello bob'))
        self.channel.connect('on-message-string', self.on_reply)

    def on_data_channel(self, element, channel):
        print(f'bob: data channel "{channel.get_property("label")}"', flush=True)
        channel.connect('on-message-string', lambda ch, text: ch.emit('send-string', f'bob got "{text}"'))

    def on_reply(self, channel, text):
        print(f'alice: data channel message: {text}', flush=True)
        self.reply = text

    def check(self):
        self.ticks += 1
        if not self.started and self.alice.ready() and self.bob.ready():
            self.started = True
            self.alice.offer()
        if self.ticks % 5 == 0:
            print(f'decoded frames: alice {self.alice.frames}, bob {self.bob.frames}', flush=True)
        if self.alice.decoded_enough() and self.bob.decoded_enough() and self.reply is not None:
            self.ok = True
            self.loop.quit()
            return GLib.SOURCE_REMOVE
        return GLib.SOURCE_CONTINUE

    def on_bus(self, bus, message):
        if message.type == Gst.MessageType.ERROR:
            error, debug = message.parse_error()
            print(f'error from {message.src.get_name()}: {error.message}', flush=True)
            self.loop.quit()

    def on_timeout(self):
        print(f'timed out after {TIMEOUT_S} s', flush=True)
        self.loop.quit()
        return GLib.SOURCE_REMOVE

    def run(self):
        bus = self.pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect('message', self.on_bus)
        self.pipeline.set_state(Gst.State.PLAYING)
        GLib.timeout_add(100, self.check)
        GLib.timeout_add_seconds(TIMEOUT_S, self.on_timeout)
        self.loop.run()
        self.alice.bin.emit('close')
        self.bob.bin.emit('close')
        self.pipeline.set_state(Gst.State.NULL)
        bus.remove_signal_watch()
        return self.ok


def main():
    Gst.init(None)
    ok = Call().run()
    print('call complete: media decoded both ways, data channel answered' if ok else 'call FAILED', flush=True)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
