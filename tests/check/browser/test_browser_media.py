#!/usr/bin/python3
"""rtcpeerbin against headless Chromium (Debian `chromium`): media.

What a user of a browser call notices, read from the page's getStats()
(inbound-rtp framesDecoded, frame size, codec, audio samples) and from
the pipeline's decoders (frames and audio buffers counted after
decodebin on rtcpeerbin's src pads):

- pipeline VP8 (vp8enc straight into a sink pad) decoded by the browser,
  rtcpeerbin offering and Chromium offering (recvonly and sendrecv);
- pipeline H.264 (x264enc, constrained baseline) decoded by the browser,
  Chromium having negotiated H.264;
- Chromium's fake camera and microphone decoded by the pipeline;
- Opus from the pipeline played by the browser;
- renegotiation adding video from each side to an audio call;
- ICE restart from each side with video flowing;
- Chromium's mDNS host candidates (`xxxx.local`).

Runs in run-in-netns.sh's loopback-only network namespace like
test_browser_datachannel.py; skipped when chromium is missing.
"""
import os
import re
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import browser_harness  # noqa: E402
from browser_harness import (SLOW, TIMEOUT, BrowserTestCase, Chromium, Gst, Ours, Page,  # noqa: E402
                             find_chromium, main, wait_until)
from peer_harness import have_element  # noqa: E402

import gi  # noqa: E402
gi.require_version('GstAudio', '1.0')
from gi.repository import GstAudio  # noqa: E402
from sdp_interop import only_loopback  # noqa: E402

NEEDED = ('videotestsrc', 'vp8enc', 'audiotestsrc', 'opusenc', 'decodebin', 'vp8dec', 'opusdec',
          'rtpvp8depay', 'rtpopusdepay', 'rtcpay')
WIDTH, HEIGHT = 320, 240
VP8 = (f'videotestsrc is-live=true pattern=ball ! video/x-raw,width={WIDTH},height={HEIGHT},framerate=30/1 ! '
       'vp8enc deadline=1 keyframe-max-dist=30 cpu-used=8')
# What a browser decodes everywhere: constrained baseline (42e0xx),
# packetization-mode 1, no B-frames (tune=zerolatency).
H264 = (f'videotestsrc is-live=true pattern=ball ! video/x-raw,width={WIDTH},height={HEIGHT},framerate=30/1 ! '
        'x264enc tune=zerolatency speed-preset=ultrafast key-int-max=30 ! '
        'capsfilter caps=video/x-h264,profile=constrained-baseline')
OPUS = 'audiotestsrc is-live=true wave=sine freq=440 ! audio/x-raw,rate=48000,channels=2 ! opusenc'
FRAMES = 30  # one second of video: several key frames' worth of decoding


ufrags = browser_harness.ufrag_set


def sections(sdp):
    """{kind: [m-section text, ...]} in order."""
    out = {}
    for sec in re.split(r'(?m)^(?=m=)', sdp or '')[1:]:
        out.setdefault(sec.split(' ', 1)[0][2:], []).append(sec)
    return out


def direction(section):
    m = re.search(r'^a=(sendrecv|sendonly|recvonly|inactive)\r?$', section, re.M)
    return m.group(1) if m else None


class Decoder:
    """What the pipeline shows of rtcpeerbin's src pads: each is decoded
    (decodebin) and its raw video frames / audio buffers counted, with the
    video frame size."""

    def __init__(self, ours):
        self.ours = ours
        self.lock = threading.Lock()
        self.pads = []        # (pad name, media, encoding-name)
        self.frames = {'video': 0, 'audio': 0}
        self.audio_ns = 0     # decoded audio duration
        self.sizes = set()    # (width, height) of decoded video
        self.unlinked = []    # decodebin outputs we could not use
        self.levels = []      # (RFC 6464 level, voice) of received audio packets
        self.handler = ours.peer.el.connect('pad-added', self._on_pad)

    def _on_pad(self, el, pad):
        if pad.get_direction() != Gst.PadDirection.SRC:
            return
        caps = pad.get_current_caps() or pad.query_caps(None)
        s = caps.get_structure(0)
        with self.lock:
            self.pads.append((pad.get_name(), s.get_string('media'), (s.get_string('encoding-name') or '').upper()))
        if s.get_string('media') == 'audio':
            pad.add_probe(Gst.PadProbeType.BUFFER, self._audio_level)
        dec = Gst.ElementFactory.make('decodebin', None)
        dec.connect('pad-added', self._on_decoded)
        pipeline = self.ours.pipeline
        pipeline.add(dec)
        dec.sync_state_with_parent()
        if pad.link(dec.get_static_pad('sink')) != Gst.PadLinkReturn.OK:
            with self.lock:
                self.unlinked.append(f'{pad.get_name()} -> decodebin')

    def _audio_level(self, _pad, info):
        meta = GstAudio.buffer_get_audio_level_meta(info.get_buffer())
        if meta:
            with self.lock:
                self.levels.append((meta.level, meta.voice_activity))
        return Gst.PadProbeReturn.OK

    def _on_decoded(self, dec, pad):
        caps = pad.get_current_caps() or pad.query_caps(None)
        name = caps.get_structure(0).get_name()
        media = 'video' if name.startswith('video/') else 'audio' if name.startswith('audio/') else None
        if media is None:
            with self.lock:
                self.unlinked.append(caps.to_string())
            return
        sink = Gst.parse_bin_from_description('queue ! fakesink name=sink sync=false signal-handoffs=true', True)
        sink.get_by_name('sink').connect('handoff', lambda _s, buf, p: self._count(media, buf, p))
        self.ours.pipeline.add(sink)
        sink.sync_state_with_parent()
        pad.link(sink.get_static_pad('sink'))

    def _count(self, media, buf, pad):
        caps = pad.get_current_caps()
        with self.lock:
            self.frames[media] += 1
            if media == 'audio' and buf.duration != Gst.CLOCK_TIME_NONE:
                self.audio_ns += buf.duration
            if media == 'video' and caps is not None:
                s = caps.get_structure(0)
                self.sizes.add((s.get_value('width'), s.get_value('height')))

    def count(self, media):
        with self.lock:
            return self.frames[media]

    def summary(self):
        with self.lock:
            return (f'pads {self.pads}, decoded {self.frames}, audio {self.audio_ns / 1e9:.2f} s, '
                    f'sizes {sorted(self.sizes)}, unlinked {self.unlinked}')


class MediaOurs(Ours):
    """Ours with a hook between applying a remote offer and answering it:
    where an application links its sources to the transceivers the offer
    made (W3C: setRemoteDescription, addTrack, createAnswer)."""

    def __init__(self, loop, trickle=True):
        self.before_answer = None
        super().__init__(loop, trickle)

    def _apply(self, msg):
        if msg.get('type') != 'offer' or self.before_answer is None:
            return super()._apply(msg)
        try:
            hook, self.before_answer = self.before_answer, None
            self.peer.set_remote('offer', msg['sdp'])
            hook()
            _, answer = self.peer.create('answer')
            self._hold()
            self.peer.set_local('answer', answer)
            self._send_description('answer', answer)
        except Exception as e:  # noqa: BLE001 - reported by check()
            self.errors.append(f'applying offer from the page: {e}')
        return None


class ChromiumMedia(BrowserTestCase):

    DEADLINE = 60.0

    @classmethod
    def setUpClass(cls):
        # A page plays received audio only through a playing <audio>
        # (Chromium pulls decoded samples for it), and an unmuted or
        # audio-only element may not play() before a user gesture: the
        # autoplay policy a kiosk or test browser turns off. Added through
        # the harness's extra-flags variable (browser_harness.Chromium).
        flag = '--autoplay-policy=no-user-gesture-required'
        extra = os.environ.get('GST_RTC_CHROMIUM_ARGS', '')
        if flag not in extra.split():
            os.environ['GST_RTC_CHROMIUM_ARGS'] = f'{extra} {flag}'.strip()
        super().setUpClass()

    def setUp(self):
        super().setUp()
        missing = [e for e in NEEDED if not have_element(e)]
        if missing:
            self.skipTest(f'missing GStreamer elements: {missing}')
        self.decoder = None

    def tearDown(self):
        try:
            if self.decoder is not None and self.ours is not None:
                self.ours.peer.el.disconnect(self.decoder.handler)
        finally:
            super().tearDown()

    # --- helpers -------------------------------------------------------------
    def open(self, trickle_ours=True, trickle_page=True):
        self.ours = MediaOurs(self.loop, trickle=trickle_ours)
        self.sid = self.server.add(self.ours.session)
        self.page = Page(self.chromium, self.server.url(self.sid))
        self.page.call('start', {'trickle': trickle_page})
        self.decoder = self.ours.loop.run(lambda: Decoder(self.ours))

    def add_source(self, description, on_loop=False):
        """A live source bin linked to a new sink_%u pad; returns the pad
        once its caps made (or took) a transceiver. `on_loop`: called on
        the main loop thread already."""
        def job():
            src = Gst.parse_bin_from_description(description, True)
            self.ours.pipeline.add(src)
            pad = self.ours.peer.el.request_pad_simple('sink_%u')
            if src.get_static_pad('src').link(pad) != Gst.PadLinkReturn.OK:
                raise AssertionError(f'{description} does not link to {pad.get_name()}')
            src.sync_state_with_parent()
            return pad
        pad = job() if on_loop else self.ours.loop.run(job)
        wait_until(lambda: pad.get_property('transceiver'), TIMEOUT, f'{pad.get_name()} gets its transceiver')
        return pad

    def add_source_before_answer(self, description):
        """The next remote offer is answered after `description` is linked."""
        self.ours.before_answer = lambda: self.add_source(description, on_loop=True)

    def inbound(self, kind, mid=None):
        st = self.page.call('rtpStats')
        for s in st['inbound']:
            if s.get('kind') == kind and (mid is None or s.get('mid') == mid):
                return s
        return None

    def wait_page_decodes(self, kind='video', n=FRAMES, after=0, mid=None, timeout=2 * TIMEOUT):
        """inbound-rtp of `kind` in the page's getStats() past `after` + n
        (framesDecoded for video, totalSamplesReceived/480 for audio, i.e.
        10 ms frames); returns that stats object."""
        field = 'framesDecoded' if kind == 'video' else 'totalSamplesReceived'
        unit = 1 if kind == 'video' else 480
        last = {}

        def ok():
            self.ours.check()
            s = self.inbound(kind, mid)
            last['s'] = s
            if self.page.status()['errors']:
                raise AssertionError(f'page errors: {self.page.status()["errors"]}')
            return s if s and s.get(field, 0) >= (after + n) * unit else None
        try:
            return wait_until(ok, timeout, f'the browser decoding {n} {kind} frames', interval=0.05)
        except AssertionError as e:
            raise AssertionError(f'{e}; page inbound-rtp {last.get("s")}; rtcpeerbin {self.outbound_summary()}; '
                                 f'{self.diagnosis()}') from None

    def outbound_summary(self):
        try:
            out = []
            for s in self.ours.peer.stats().values():
                t = s.get_value('type')
                t = getattr(t, 'value_nick', str(t))
                if t in ('outbound-rtp', 'inbound-rtp', 'codec'):
                    out.append(s.to_string())
            return out
        except Exception as e:  # noqa: BLE001 - a diagnosis must not hide the failure
            return f'stats unavailable: {e}'

    def wait_pipeline_decodes(self, media, n, after=0, timeout=2 * TIMEOUT):
        try:
            wait_until(lambda: self.ours.check() or self.decoder.count(media) >= after + n, timeout,
                       f'the pipeline decoding {n} {media} frames/buffers', interval=0.02)
        except AssertionError as e:
            raise AssertionError(f'{e}; {self.decoder.summary()}; page outbound '
                                 f'{self.page.call("rtpStats")["outbound"]}; {self.diagnosis()}') from None

    def assert_video(self, s, mime):
        self.assertEqual(s['codec']['mimeType'].lower(), mime.lower(), f'negotiated codec in getStats: {s}')
        self.assertEqual((s.get('frameWidth'), s.get('frameHeight')), (WIDTH, HEIGHT), f'frame size: {s}')
        self.assertGreater(s.get('keyFramesDecoded', 0), 0, s)

    def page_video_size(self):
        """The <video> element's size once the track plays."""
        def size():
            for t in self.page.call('tracks'):
                if t['kind'] == 'video' and t['width']:
                    return (t['width'], t['height'])
            return None
        return wait_until(size, TIMEOUT, 'a playing <video> with a size', interval=0.05)

    def page_sdp(self, which='localSdp'):
        return self.page.status()[which]

    def selected_ufrag(self):
        p = self.page.call('selectedPair')
        return p and p['local'] and p['local']['usernameFragment']

    def credentials(self):
        return ufrags(self.ours.peer.local_description_text()), ufrags(self.ours.peer.remote_description_text())

    # --- 1. VP8 from the pipeline ----------------------------------------------
    def test_vp8_to_browser_ours_offers(self):
        self.open()
        self.add_source(VP8)
        self.ours.offer()
        self.wait_connected()
        s = self.wait_page_decodes('video')
        self.assert_video(s, 'video/VP8')
        self.assertEqual(self.page_video_size(), (WIDTH, HEIGHT))
        # Smooth, not stuttering: over 1.5 s the browser decodes at least
        # half of videotestsrc's 30 frames per second.
        t0, f0 = time.monotonic(), s['framesDecoded']
        time.sleep(1.5)
        s = self.inbound('video')
        rate = (s['framesDecoded'] - f0) / (time.monotonic() - t0)
        self.assertGreaterEqual(rate, 15, f'decoded frames per second in the browser: {s}')
        answer = self.page_sdp()
        self.assertEqual(direction(sections(answer)['video'][0]), 'recvonly', 'the browser only receives')

    def test_vp8_to_browser_recvonly_offer(self):
        """Chromium offers a recvonly video transceiver; the application
        links its encoder after applying the offer: the answer sends."""
        self.open()
        self.add_source_before_answer(VP8)
        self.page.call('addTransceiver', 'video', 'recvonly')
        self.page.call('offer')
        self.wait_connected()
        self.assertEqual(direction(sections(self.ours.sent[0][1])['video'][0]), 'sendonly')
        self.assert_video(self.wait_page_decodes('video'), 'video/VP8')
        self.assertEqual(self.page_video_size(), (WIDTH, HEIGHT))

    def test_vp8_both_ways_sendrecv_offer(self):
        """Chromium offers its fake camera (sendrecv) to a pipeline whose
        encoder was linked before the offer arrived (W3C: the addTrack
        transceiver takes the offered m-line): video both ways on one
        m-line."""
        self.open()
        self.add_source(VP8)
        self.page.call('addUserMedia', {'video': {'width': 640, 'height': 480}})
        self.page.call('offer')
        self.wait_connected()
        answer = self.ours.sent[0][1]
        self.assertEqual(len(sections(answer)['video']), 1, answer)
        self.assertEqual(direction(sections(answer)['video'][0]), 'sendrecv')
        self.assert_video(self.wait_page_decodes('video'), 'video/VP8')
        self.wait_pipeline_decodes('video', FRAMES)
        self.assertIn((640, 480), self.decoder.sizes)

    # --- 2. H.264 from the pipeline --------------------------------------------
    def h264_or_skip(self):
        if not have_element('x264enc'):
            self.skipTest('x264enc missing')
        codecs = [c['mimeType'].lower() for c in self.page.call('receiveCodecs', 'video')]
        if 'video/h264' not in codecs:
            self.skipTest(f'this Chromium cannot receive H.264 (RTCRtpReceiver.getCapabilities: {codecs})')

    def test_h264_to_browser_ours_offers(self):
        self.open()
        self.h264_or_skip()
        self.add_source(H264)
        self.ours.offer()
        self.wait_connected()
        s = self.wait_page_decodes('video')
        self.assert_video(s, 'video/H264')
        self.assertIn('packetization-mode=1', s['codec']['sdpFmtpLine'])
        self.assertEqual(self.page_video_size(), (WIDTH, HEIGHT))

    def test_h264_to_browser_recvonly_offer(self):
        """Chromium's offer lists its H.264 profiles among VP8/VP9/AV1;
        the answer picks the one x264enc's constrained baseline matches."""
        self.open()
        self.h264_or_skip()
        self.add_source_before_answer(H264)
        self.page.call('addTransceiver', 'video', 'recvonly')
        self.page.call('offer')
        self.wait_connected()
        s = self.wait_page_decodes('video')
        self.assert_video(s, 'video/H264')
        m = re.search(r'profile-level-id=([0-9a-fA-F]{6})', s['codec']['sdpFmtpLine'])
        self.assertTrue(m and m.group(1).lower().startswith(('42e0', '42c0')), s['codec'])

    def test_h264_from_browser_camera(self):
        """Chromium's fake camera sent as H.264 (codec preferences:
        constrained baseline, packetization-mode 1 only), decoded by the
        pipeline (decodebin on the src pad)."""
        self.open()
        codecs = self.page.call('sendCodecs', 'video')
        if not any(c['mimeType'].lower() == 'video/h264' for c in codecs):
            self.skipTest(f'this Chromium cannot send H.264 (RTCRtpSender.getCapabilities: '
                          f'{[c["mimeType"] for c in codecs]})')
        if not have_element('avdec_h264') or not have_element('rtph264depay'):
            self.skipTest('avdec_h264 / rtph264depay missing')
        self.page.call('addUserMedia', {'video': {'width': 640, 'height': 480}})
        prefs = self.page.call('preferCodec', 'video', 'video/H264', 'packetization-mode=1;profile-level-id=42e01f')
        self.assertTrue(prefs and prefs[0].startswith('video/H264'), prefs)
        self.page.call('offer')
        self.wait_connected()
        self.wait_pipeline_decodes('video', FRAMES)
        self.assertEqual([(m, e) for _, m, e in self.decoder.pads], [('video', 'H264')], self.decoder.summary())
        self.assertIn((640, 480), self.decoder.sizes, self.decoder.summary())
        out = self.page.call('rtpStats')['outbound']
        self.assertEqual([o['codec']['mimeType'] for o in out if o.get('kind') == 'video'], ['video/H264'], out)

    # --- 3. the browser's camera and microphone to the pipeline ------------------
    def test_browser_camera_and_mic_to_pipeline(self):
        self.open()
        got = self.page.call('addUserMedia', {'audio': True, 'video': {'width': 640, 'height': 480}})
        self.assertEqual(sorted(t['kind'] for t in got), ['audio', 'video'])
        self.page.call('offer')
        self.wait_connected()
        self.wait_pipeline_decodes('video', FRAMES)
        self.wait_pipeline_decodes('audio', 50)
        self.assertIn((640, 480), self.decoder.sizes, self.decoder.summary())
        kinds = sorted((m, e) for _, m, e in self.decoder.pads)
        self.assertEqual([m for m, _ in kinds], ['audio', 'video'], self.decoder.summary())
        self.assertIn(kinds[0][1], ('OPUS',))
        # Opus frames are 10-60 ms (Chromium: 20 ms): 50 buffers are 0.5 s
        # or more of decoded sound.
        self.assertGreaterEqual(self.decoder.audio_ns, 0.5 * Gst.SECOND, self.decoder.summary())
        # Chromium sends its microphone's level (RFC 6464): the src pad's
        # packets carry it as GstAudioLevelMeta, its fake device's beeps
        # louder than silence.
        def heard():
            with self.decoder.lock:
                return len(self.decoder.levels) > 25 and any(lv < 127 for lv, _ in self.decoder.levels)
        try:
            wait_until(heard, TIMEOUT, 'audio packets with a level above silence', interval=0.05)
        except AssertionError:
            with self.decoder.lock:
                self.fail(f'levels of received audio: {self.decoder.levels[:30]} ({len(self.decoder.levels)})')

    def test_simulcast_from_browser_camera(self):
        """The page sends its camera as simulcast (sendEncodings with rids
        l and h, l at half size): the answer takes both layers
        (a=simulcast:recv), and each comes out of its own src pad, named by
        its `rid`, both decoded, at 320x240 and 640x480."""
        self.open()
        self.page.call('addSimulcastCamera', ['l', 'h'], {'width': 640, 'height': 480})
        self.page.call('offer')
        self.wait_connected()
        answer = self.page_sdp('remoteSdp')
        self.assertRegex(answer, r'a=simulcast:recv l;h\r?\n', answer)
        self.assertRegex(answer, r'a=rid:l recv', answer)

        def rids():
            with self.decoder.lock:
                names = [n for n, m, _ in self.decoder.pads if m == 'video']
            return sorted(str(self.ours.peer.el.get_static_pad(n).get_property('rid')) for n in names)

        def layers():
            with self.decoder.lock:
                sizes = set(self.decoder.sizes)
            return rids() == ['h', 'l'] and {(320, 240), (640, 480)} <= sizes
        try:
            wait_until(layers, 2 * TIMEOUT, 'both layers decoded', interval=0.05)
        except AssertionError:
            self.fail(f'both layers not decoded on pads named by rid: rids {rids()}, {self.decoder.summary()}')
        transceivers = {self.ours.peer.el.get_static_pad(n).get_property('transceiver')
                        for n, m, _ in self.decoder.pads if m == 'video'}
        self.assertEqual(len(transceivers), 1, 'both layers belong to the one transceiver')

    def test_browser_camera_to_pipeline_ours_offers(self):
        """rtcpeerbin offers to receive only (recvonly transceivers); the
        page's camera and microphone, added before the offer, answer."""
        self.open()
        self.page.call('addUserMedia', {'audio': True, 'video': {'width': 640, 'height': 480}})
        self.ours.loop.run(lambda: self.ours.peer.add_transceiver('recvonly', 'application/x-rtp,media=video,'
                                                                   'encoding-name=VP8,clock-rate=90000'))
        self.ours.loop.run(lambda: self.ours.peer.add_transceiver('recvonly', 'application/x-rtp,media=audio,'
                                                                   'encoding-name=OPUS,clock-rate=48000'))
        self.ours.offer()
        self.wait_connected()
        answer = self.page_sdp()
        self.assertEqual([direction(s) for k in ('audio', 'video') for s in sections(answer)[k]],
                         ['sendonly', 'sendonly'], answer)
        self.wait_pipeline_decodes('video', FRAMES)
        self.wait_pipeline_decodes('audio', 50)
        self.assertIn((640, 480), self.decoder.sizes, self.decoder.summary())

    # --- 4. Opus from the pipeline ---------------------------------------------
    def test_opus_to_browser(self):
        self.open()
        self.add_source(OPUS)
        self.ours.offer()
        self.wait_connected()
        s = self.wait_page_decodes('audio', n=100)  # 1 s of 10 ms frames
        self.assertEqual(s['codec']['mimeType'].lower(), 'audio/opus', s)
        self.assertGreater(s['packetsReceived'], 40, s)
        # Samples keep coming: the audio is played, not just received, and
        # it is the sine audiotestsrc made (volume 0.8), not silence or
        # concealment noise.
        s = self.wait_page_decodes('audio', n=50, after=s['totalSamplesReceived'] // 480)
        self.assertGreater(s.get('audioLevel', 0), 0.5, s)
        self.assertLess(s.get('concealedSamples', 0), s['totalSamplesReceived'] // 4, s)

    def test_audio_level_to_browser(self):
        """rtcaudiolevel's measure reaches the browser in the RFC 6464
        extension: RTCRtpReceiver.getSynchronizationSources() reports it
        (a sine at half scale: -9 dBov, audioLevel 10^(-9/20) = 0.35)."""
        self.open()
        self.add_source('audiotestsrc is-live=true wave=sine volume=0.5 ! audio/x-raw,rate=48000,channels=2 ! '
                        'rtcaudiolevel ! opusenc')
        self.ours.offer()
        self.wait_connected()
        self.wait_page_decodes('audio', n=50)

        def level():
            srcs = self.page.call('syncSources', 'audio')
            return srcs if srcs and srcs[0].get('audioLevel') is not None else None
        srcs = wait_until(level, TIMEOUT, 'an audio level in getSynchronizationSources()', interval=0.1)
        self.assertAlmostEqual(srcs[0]['audioLevel'], 10 ** (-9 / 20), delta=0.03, msg=srcs)

    # --- 5. renegotiation adding video -------------------------------------------
    def audio_call(self):
        """Opus from the pipeline, rtcpeerbin offering, playing in the page."""
        self.open()
        self.add_source(OPUS)
        self.ours.offer()
        self.wait_connected()
        return self.wait_page_decodes('audio', n=20)

    def test_add_video_from_ours(self):
        a = self.audio_call()
        self.add_source(VP8)
        self.ours.offer()
        wait_until(lambda: self.ours.peer.state('signaling-state') == 'stable' and len(self.ours.sent) == 2,
                   TIMEOUT, 'the second offer answered')
        self.assertEqual(sorted(sections(self.page_sdp())), ['audio', 'video'])
        self.assert_video(self.wait_page_decodes('video'), 'video/VP8')
        self.wait_page_decodes('audio', n=20, after=a['totalSamplesReceived'] // 480)

    def test_add_video_from_browser(self):
        a = self.audio_call()
        self.page.call('addUserMedia', {'video': {'width': 640, 'height': 480}})
        self.page.call('offer')
        wait_until(lambda: len(self.ours.sent) == 2, TIMEOUT, 'rtcpeerbin answering the browser\'s offer')
        self.page.wait(lambda s: s['signalingState'] == 'stable', 'stable after the browser\'s offer')
        self.wait_pipeline_decodes('video', FRAMES)
        self.assertIn((640, 480), self.decoder.sizes, self.decoder.summary())
        self.wait_page_decodes('audio', n=20, after=a['totalSamplesReceived'] // 480)

    # --- 6. ICE restart with media -----------------------------------------------
    def restart_keeps_video(self, restart):
        before = self.wait_page_decodes('video')
        base_ours = self.decoder.count('video')
        old_local, old_remote = self.credentials()
        restart()
        self.restart_done(old_local, old_remote)
        new = next(iter(ufrags(self.page_sdp())))
        wait_until(lambda: self.selected_ufrag() == new, TIMEOUT, 'the browser on the new ICE generation',
                   interval=0.05)
        after = self.inbound('video')['framesDecoded']
        self.assertGreaterEqual(after, before['framesDecoded'])
        self.wait_page_decodes('video', after=after)
        self.wait_pipeline_decodes('video', FRAMES, after=max(base_ours, self.decoder.count('video')))
        self.assertEqual(self.page.status()['connectionState'], 'connected')
        self.assertEqual(self.ours.peer.state(), 'connected')

    def test_ice_restart_from_ours_with_media(self):
        self.open()
        self.add_source(VP8)
        self.page.call('addUserMedia', {'video': {'width': 640, 'height': 480}})
        self.ours.offer()
        self.wait_connected()

        def restart():
            self.ours.emit('restart-ice')
            self.ours.offer()
        self.restart_keeps_video(restart)

    def test_ice_restart_from_browser_with_media(self):
        self.open()
        self.add_source(VP8)
        self.page.call('addUserMedia', {'video': {'width': 640, 'height': 480}})
        self.page.call('offer')
        self.wait_connected()
        self.restart_keeps_video(lambda: self.page.call('restartIce'))


    # --- 7. Chromium's mDNS host candidates --------------------------------------
    def test_mdns_host_candidates(self):
        """Chromium as shipped (WebRtcHideLocalIpsWithMdns on, no media
        permission) hides its host address behind a `<uuid>.local` name;
        rtcpeerbin asks for it with its own mDNS question (no avahi or
        nss-mdns here) and connects. Chromium's responder never binds lo:
        the test gives this namespace a veth pair (10.99.0.1 for Chromium's
        default route, 10.99.0.2 for us), and removes it after; nothing
        leaves the namespace (the pair's two ends are both in it)."""
        if not only_loopback():
            self.skipTest('needs the loopback-only namespace of run-in-netns.sh to add its veth pair to')
        link = ['ip', 'link', 'add', 'mdns0', 'type', 'veth', 'peer', 'name', 'mdns1']
        if subprocess.run(link, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode != 0:
            self.skipTest('cannot create a veth pair in this namespace (no veth support)')
        chromium = None
        try:
            for cmd in (['ip', 'addr', 'add', '10.99.0.1/24', 'dev', 'mdns0'],
                        ['ip', 'addr', 'add', '10.99.0.2/24', 'dev', 'mdns1'],
                        ['ip', 'link', 'set', 'mdns0', 'up'],
                        ['ip', 'link', 'set', 'mdns1', 'up'],
                        # Chromium without media permission uses only the
                        # address of its default route.
                        ['ip', 'route', 'add', 'default', 'dev', 'mdns0', 'src', '10.99.0.1']):
                subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            flags = browser_harness.CHROMIUM_FLAGS
            browser_harness.CHROMIUM_FLAGS = [f for f in flags if 'WebRtcHideLocalIpsWithMdns' not in f
                                              and f != '--use-fake-ui-for-media-stream']
            try:
                chromium = Chromium(find_chromium())
            finally:
                browser_harness.CHROMIUM_FLAGS = flags
            self.ours = MediaOurs(self.loop)
            self.loop.run(lambda: self.ours.peer.el.set_property('ice-local-addresses',
                                                                  ['127.0.0.1', '10.99.0.2']))
            # Chromium learns none of our candidates (end-of-candidates
            # only): it cannot start a check, so the call connects only if
            # rtcpeerbin resolved its name and checked that address.
            push = self.ours._push_candidate
            self.ours._push_candidate = lambda msg: None if msg['candidate'] else push(msg)
            self.sid = self.server.add(self.ours.session)
            self.page = Page(chromium, self.server.url(self.sid))
            self.page.call('start', {'trickle': True})
            self.page.call('createChannel', 'mdns')
            self.page.call('offer')

            def gathered():
                return [m['candidate'] for m in self.ours.session.inbox if m.get('type') == 'candidate'
                        and m['candidate']]
            wait_until(lambda: any('.local ' in c for c in gathered()), 2 * SLOW,
                       'a .local host candidate from Chromium', interval=0.05)
            plain = [c for c in gathered() if '.local ' not in c and ' host ' in c]
            self.assertFalse(plain, f'Chromium showed a host address despite mDNS: {plain}')
            self.assertFalse([d for _, d in self.ours.sent if 'a=candidate' in d],
                             'our description carried candidates to Chromium')
            self.wait_connected()
            ch = self.ours.peer.remote_channel('mdns')
            ch.wait_open()
            self.page.send('mdns', ['over mDNS'])
            self.assertEqual(ch.wait_strings(1), ['over mDNS'])
        finally:
            if self.page is not None:
                self.page.close()
                self.page = None
            if chromium is not None:
                chromium.stop()
            subprocess.run(['ip', 'link', 'del', 'mdns0'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


if __name__ == '__main__':
    main()
