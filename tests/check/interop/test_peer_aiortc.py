#!/usr/bin/python3
"""rtcpeerbin against aiortc (Debian python3-aiortc) running in a subprocess
(aiortc_peer.py), signalling as JSON lines over its stdin/stdout: both offer
directions, a data channel carrying strings and binary both ways. aiortc
sends non-trickle SDP (its candidates inside); our side sends either its
complete SDP after gathering or trickles its candidates.

Runs in run-in-netns.sh's loopback-only namespace (aiortc gathers on every
interface it sees; 127.0.0.1 is its only host address here).
"""
import base64
import json
import os
import re
import subprocess
import sys
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'pipelines'))
sys.path.insert(0, HERE)
from peer_harness import Gst, Peer, PeerTestCase, TIMEOUT, main, wait_until  # noqa: E402
from sdp_interop import only_loopback  # noqa: E402

OURS = os.environ.get('GST_RTC_PEER_ELEMENT', 'rtcpeerbin')
try:
    import aiortc  # noqa: F401
    IMPORT_ERROR = None
except ImportError as e:
    IMPORT_ERROR = f'aiortc unavailable: {e}'


class Aiortc:
    """The aiortc subprocess and what it reported."""

    def __init__(self):
        self.proc = subprocess.Popen([sys.executable, os.path.join(HERE, 'aiortc_peer.py')],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, bufsize=1)
        self.lock = threading.Lock()
        self.events = []
        self.stderr = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            with self.lock:
                self.events.append(json.loads(line))

    def _read_err(self):
        for line in self.proc.stderr:
            self.stderr.append(line)

    def send(self, **msg):
        self.proc.stdin.write(json.dumps(msg) + '\n')
        self.proc.stdin.flush()

    def wait(self, pred, what, timeout=TIMEOUT):
        def find():
            with self.lock:
                for e in self.events:
                    if pred(e):
                        return e
                errors = [e for e in self.events if e.get('event') == 'error']
            if errors:
                raise AssertionError(f'aiortc: {errors}')
            if self.proc.poll() is not None:
                raise AssertionError(f'aiortc exited {self.proc.returncode}: {"".join(self.stderr)[-2000:]}')
            return None
        return wait_until(find, timeout, f'aiortc {what}')

    def messages(self, label):
        with self.lock:
            return [e for e in self.events if e.get('event') == 'message' and e['label'] == label]

    def stop(self):
        try:
            self.send(cmd='close')
            self.proc.wait(5)
        except Exception:
            self.proc.kill()
            self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                f.close()
            except Exception:
                pass


def mids(text):
    return re.findall(r'^a=mid:(\S+)', text, re.M)


@unittest.skipIf(IMPORT_ERROR is not None, IMPORT_ERROR or '')
@unittest.skipUnless(only_loopback() or os.environ.get('GST_RTC_INTEROP_ALLOW_HOST_NETWORK') == '1',
                     'not in a loopback-only network namespace (run through run-in-netns.sh)')
class WithAiortc(PeerTestCase):
    def setUp(self):
        super().setUp()
        self.pipeline = Gst.Pipeline.new(None)
        self.them = Aiortc()

    def tearDown(self):
        self.them.stop()
        ours = getattr(self, 'ours', None)
        if ours is not None:
            ours.close()
        self.pipeline.set_state(Gst.State.NULL)
        if ours is not None:
            ours.dispose()
        super().tearDown()

    def make_ours(self, trickle):
        self.ours = Peer(OURS, 'ours', trickle=False)
        self.pipeline.add(self.ours.el)
        self.pipeline.set_state(Gst.State.PLAYING)
        if trickle:
            # Our candidates go to aiortc as they come (after our SDP).
            self.sent_sdp = threading.Event()
            self.pending = []
            self.ours.el.connect('on-ice-candidate', self._trickle)

    def _trickle(self, el, mline, cand):
        if not cand:
            return
        self.sent_sdp.wait(TIMEOUT)
        desc = self.ours.local_description_text() or ''
        m = mids(desc)
        self.them.send(cmd='candidate', candidate=cand, mline=mline, mid=m[mline] if mline < len(m) else None)

    def send_ours(self, created, trickle):
        if trickle:
            return created
        self.ours.wait_gathered()
        return self.ours.local_description_text()

    def exchange(self, ours_ch, label):
        strings = [f'to aiortc {i} ✓' for i in range(5)]
        blobs = [bytes((i * 13 + k) & 0xff for k in range(500 + 300 * i)) for i in range(5)]
        for s in strings:
            ours_ch.send_string(s)
        for b in blobs:
            ours_ch.send_bytes(b)
        wait_until(lambda: len(self.them.messages(label)) >= 10, TIMEOUT, 'aiortc to receive 10 messages')
        got = self.them.messages(label)
        self.assertEqual([e['text'] for e in got if 'text' in e], strings)
        self.assertEqual([base64.b64decode(e['b64']) for e in got if 'b64' in e], blobs)
        back_s = [f'from aiortc {i} ✓' for i in range(5)]
        back_b = [bytes((i * 29 + k) & 0xff for k in range(700 + 200 * i)) for i in range(5)]
        for s in back_s:
            self.them.send(cmd='send', label=label, text=s)
        for b in back_b:
            self.them.send(cmd='send', label=label, b64=base64.b64encode(b).decode())
        self.assertEqual(ours_ch.wait_strings(5), back_s)
        self.assertEqual(ours_ch.wait_datas(5), back_b)

    def ours_offer(self, trickle):
        self.make_ours(trickle)
        ch = self.ours.create_data_channel('ours')
        _, offer = self.ours.create('offer')
        self.ours.set_local('offer', offer)
        self.them.send(type='offer', sdp=self.send_ours(offer, trickle))
        if trickle:
            self.sent_sdp.set()
        answer = self.them.wait(lambda e: e.get('type') == 'answer', 'answer')['sdp']
        self.assertIn('a=candidate:', answer, 'aiortc answers non-trickle: candidates inside')
        self.ours.set_remote('answer', answer)
        self.ours.wait_state('connected', timeout=2 * TIMEOUT)
        ch.wait_open()
        self.them.wait(lambda e: e.get('event') == 'open' and e['label'] == 'ours', 'channel open')
        self.exchange(ch, 'ours')
        self.them.wait(lambda e: e.get('event') == 'connectionstate' and e['state'] == 'connected', 'connected')

    def theirs_offer(self, trickle):
        self.make_ours(trickle)
        self.them.send(cmd='channel', label='theirs')
        self.them.send(cmd='offer')
        offer = self.them.wait(lambda e: e.get('type') == 'offer', 'offer')['sdp']
        self.assertIn('a=candidate:', offer, 'aiortc offers non-trickle: candidates inside')
        self.ours.set_remote('offer', offer)
        _, answer = self.ours.create('answer')
        self.ours.set_local('answer', answer)
        self.them.send(type='answer', sdp=self.send_ours(answer, trickle))
        if trickle:
            self.sent_sdp.set()
        self.ours.wait_state('connected', timeout=2 * TIMEOUT)
        ch = self.ours.remote_channel('theirs')
        ch.wait_open()
        self.exchange(ch, 'theirs')

    def test_ours_offers(self):
        self.ours_offer(trickle=False)

    def test_aiortc_offers(self):
        self.theirs_offer(trickle=False)

    def test_ours_offers_trickle(self):
        self.ours_offer(trickle=True)

    def test_aiortc_offers_ours_trickles(self):
        self.theirs_offer(trickle=True)


if __name__ == '__main__':
    main()
