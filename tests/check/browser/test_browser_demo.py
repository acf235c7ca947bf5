#!/usr/bin/python3
"""README command 1 in a real browser: examples/webrtc-demo against headless
Chromium (Debian `chromium`), as a user runs it.

The built webrtc-demo is started on a free port (`--port 0 --no-display`)
and the URL it prints is opened in a tab; the test then checks what the
user sees on the page and what the program prints:

- the page's <video> plays the pipeline's video: getStats framesDecoded
  grows, video.currentTime advances, the frame is 640x480;
- the pipeline's data channel messages appear ("hello from gst-rtc", then
  "tick N"); a message typed into the page's text box comes back
  "echo: ...";
- the pipeline decodes the browser's fake camera (its "first browser video
  frame decoded" line, then growing counts);
- without a camera (getUserMedia failing) the page still plays the
  pipeline's video and talks over the channel;
- closing the tab ends the session, Ctrl-C (SIGINT) then stops the program
  with status 0; Ctrl-C during a call does too. Under ASan the program
  runs with leak detection, so a leak fails the exit status.

Runs in run-in-netns.sh's loopback-only network namespace: the page is
served on 127.0.0.1 and rtcpeerbin gathers 127.0.0.1 only. Exit 77 (skip)
when chromium or the demo (libsoup-3.0) is missing.
"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
DEMO = os.environ.get('GST_RTC_WEBRTC_DEMO', '')


def skip(reason):
    print(f'SKIP: {reason}')
    sys.exit(77)


if not DEMO or not os.access(DEMO, os.X_OK):
    skip('webrtc-demo is not built (it needs libsoup-3.0: apt-get install libsoup-3.0-dev; ./dev demo installs it)')

from browser_harness import TIMEOUT, Chromium, Page, find_chromium, wait_until  # noqa: E402
from sdp_interop import only_loopback  # noqa: E402

if find_chromium() is None:
    skip('chromium not installed (Debian: apt-get install chromium; ./dev test installs it)')
if not only_loopback() and os.environ.get('GST_RTC_INTEROP_ALLOW_HOST_NETWORK') != '1':
    skip('not in a loopback-only network namespace (run through run-in-netns.sh)')

# The demo is an instrumented program of ours: under ASan it runs with leak
# detection (the Python interpreter running this test does not).
ASAN = 'asan' in os.environ.get('LD_PRELOAD', '')
# Suppressions for the demo: the suite's (LSAN_OPTIONS) plus allocations
# made by shared-library constructors (_dl_init): GLib's first quark block
# (16 KiB) is replaced, not freed, once a process holds more than 2048
# quarks, which GStreamer's plugins and libsoup together exceed.
DEMO_SUPPRESSIONS = ['leak:_dl_init']


def demo_lsan_options(directory):
    opts = [o for o in os.environ.get('LSAN_OPTIONS', '').split(':') if o]
    lines = list(DEMO_SUPPRESSIONS)
    rest = []
    for o in opts:
        if o.startswith('suppressions='):
            with open(o.split('=', 1)[1]) as f:
                lines += f.read().splitlines()
        else:
            rest.append(o)
    path = os.path.join(directory, 'lsan.supp')
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return ':'.join(rest + [f'suppressions={path}'])


class Demo:
    """webrtc-demo running; its stdout lines are collected as they come."""

    def __init__(self):
        env = {k: v for k, v in os.environ.items() if k != 'LD_PRELOAD'}
        self.tmp = tempfile.TemporaryDirectory(prefix='gst-rtc-demo-')
        if ASAN:
            # Full malloc stacks: the suppressions below match frames that
            # the fast unwinder loses in Debian's frame-pointer-less GLib.
            env['ASAN_OPTIONS'] = os.environ.get('GST_RTC_DEMO_ASAN_OPTIONS',
                                                 'detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0')
            env['LSAN_OPTIONS'] = demo_lsan_options(self.tmp.name)
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([DEMO, '--port', '0', '--no-display'], env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=self.stderr)
        self.lines = []
        self.cond = threading.Condition()
        self.reader = threading.Thread(target=self._read, name='demo-stdout', daemon=True)
        self.reader.start()
        m = self.wait_line(r'^open (http://127\.0\.0\.1:(\d+)/) in a browser$', 'the URL to open')
        self.url = m.group(1)

    def _read(self):
        for raw in self.proc.stdout:
            with self.cond:
                self.lines.append(raw.decode(errors='replace').rstrip('\n'))
                self.cond.notify_all()
        with self.cond:
            self.lines.append(None)  # end of output
            self.cond.notify_all()

    def wait_line(self, pattern, what, timeout=TIMEOUT, start=0):
        """The first stdout line from index `start` matching `pattern`."""
        rx = re.compile(pattern)
        end = time.monotonic() + timeout
        with self.cond:
            i = start
            while True:
                while i < len(self.lines):
                    line = self.lines[i]
                    if line is None:
                        raise AssertionError(f'webrtc-demo exited ({self.proc.poll()}) before printing {what}; '
                                             f'{self.output()}')
                    m = rx.search(line)
                    if m:
                        return m
                    i += 1
                left = end - time.monotonic()
                if left <= 0:
                    raise AssertionError(f'webrtc-demo did not print {what} in {timeout:.0f} s; {self.output()}')
                self.cond.wait(left)

    def output(self):
        with self.cond:
            out = '\n'.join(line for line in self.lines if line is not None)
        return f'stdout:\n{out[-3000:]}\nstderr:\n{self.stderr_text()[-3000:]}'

    def stderr_text(self):
        self.stderr.seek(0)
        return self.stderr.read().decode(errors='replace')

    def interrupt(self, timeout=TIMEOUT):
        """Ctrl-C; the exit status."""
        self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f'webrtc-demo did not stop on SIGINT in {timeout:.0f} s; {self.output()}')

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(5)
        self.proc.stdout.close()
        self.stderr.close()
        self.tmp.cleanup()


class NoCameraPage(Page):
    """A tab where getUserMedia fails as on a machine without a camera
    (NotFoundError), set up before the page's script runs."""

    def __init__(self, chromium, url):
        self.cdp = chromium.cdp
        self.target = self.cdp.send('Target.createTarget', {'url': 'about:blank'})['targetId']
        self.sid = self.cdp.send('Target.attachToTarget', {'targetId': self.target, 'flatten': True})['sessionId']
        self.cdp.send('Page.enable', session_id=self.sid)
        self.cdp.send('Page.addScriptToEvaluateOnNewDocument', {'source': (
            'MediaDevices.prototype.getUserMedia = () => '
            'Promise.reject(new DOMException("no camera here", "NotFoundError"));')}, session_id=self.sid)
        nav = self.cdp.send('Page.navigate', {'url': url}, session_id=self.sid)
        if nav.get('errorText'):
            raise AssertionError(f'page {url}: {nav["errorText"]}')
        wait_until(self._loaded, TIMEOUT, f'{url} to load')


class WebrtcDemo(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.chromium = Chromium(find_chromium())

    @classmethod
    def tearDownClass(cls):
        cls.chromium.stop()

    def setUp(self):
        self.demo = Demo()
        self.page = None

    def tearDown(self):
        if self.page is not None:
            self.page.close()
        if os.environ.get('GST_RTC_DEMO_VERBOSE') == '1':
            print(self.demo.output(), file=sys.stderr)
        self.demo.kill()

    def open_page(self, page_class=Page):
        self.page = page_class(self.chromium, self.demo.url)
        self.wait_page(lambda s: s['connectionState'] == 'connected', 'connectionState connected',
                       timeout=2 * TIMEOUT)
        self.demo.wait_line(r'^session \d+: connection-state connected$', 'connection-state connected')

    def wait_page(self, pred, what, timeout=TIMEOUT):
        last = {}

        def check():
            s = last['s'] = self.page.status()
            if s['errors']:
                raise AssertionError(f'errors shown on the page: {s["errors"]}')
            return s if pred(s) else None
        try:
            return wait_until(check, timeout, f'page: {what}', interval=0.05)
        except AssertionError as e:
            s = last.get('s', {})
            brief = {k: s.get(k) for k in ('connectionState', 'signaling', 'camera', 'framesDecoded', 'videoTime',
                                           'videoWidth', 'log')}
            raise AssertionError(f'{e}; page shows {brief}; {self.demo.output()}') from None

    def type_message(self, text):
        """Types into the page's text box and presses its Send button."""
        self.page.evaluate('document.getElementById("text").focus()')
        self.page.cdp.send('Input.insertText', {'text': text}, session_id=self.page.sid)
        self.page.evaluate('document.getElementById("send").click()')

    def assert_clean_exit(self, status):
        err = self.demo.stderr_text()
        self.assertEqual(status, 0, f'webrtc-demo exit status; {self.demo.output()}')
        for bad in ('LeakSanitizer', 'AddressSanitizer', 'runtime error:', '-CRITICAL **', 'GLib-GObject-WARNING'):
            self.assertNotIn(bad, err, f'webrtc-demo stderr: {err[-3000:]}')

    def test_page_shows_pipeline_and_pipeline_gets_camera(self):
        self.open_page()
        # The pipeline's video plays in the page's <video>.
        s1 = self.wait_page(lambda s: s['framesDecoded'] >= 10 and s['videoTime'] > 0,
                            'video frames decoded and playing')
        s2 = self.wait_page(lambda s: s['framesDecoded'] >= s1['framesDecoded'] + 15 and
                            s['videoTime'] > s1['videoTime'], 'more frames decoded, the video advancing')
        self.assertEqual((s2['videoWidth'], s2['videoHeight']), (640, 480), 'the pipeline\'s 640x480 test video')
        self.assertEqual(s2['camera'], 'sending', 'the fake camera is sent to the pipeline')
        # The pipeline's data channel messages are shown.
        self.wait_page(lambda s: 'hello from gst-rtc' in s['log'], '"hello from gst-rtc" in the message log')
        self.wait_page(lambda s: any(re.fullmatch(r'tick \d+', m) for m in s['log']), 'a "tick N" message')
        # Typed into the page, echoed by the pipeline.
        self.wait_page(lambda s: s['channelState'] == 'open', 'the data channel open')
        self.type_message('ping ✓ 42')
        self.wait_page(lambda s: 'me: ping ✓ 42' in s['log'] and 'echo: ping ✓ 42' in s['log'],
                       'the typed message and its echo in the log')
        self.demo.wait_line(r'^session \d+: browser says "ping ✓ 42"$', 'the typed message')
        # The pipeline decodes the browser's fake camera (and microphone).
        m = self.demo.wait_line(r'^session \d+: first browser video frame decoded \((\d+)x(\d+)\)$',
                                'the first browser video frame', timeout=2 * TIMEOUT)
        self.assertGreater(int(m.group(1)) * int(m.group(2)), 0, 'decoded frame size')
        m = self.demo.wait_line(r'^session \d+: browser media: video (\d+) frames, audio (\d+) buffers$',
                                'browser media counts', timeout=2 * TIMEOUT)
        first = int(m.group(1))
        self.assertGreater(first, 0)
        start = len(self.demo.lines)
        m = self.demo.wait_line(r'^session \d+: browser media: video (\d+) frames, audio (\d+) buffers$',
                                'later browser media counts', timeout=2 * TIMEOUT, start=start)
        self.assertGreater(int(m.group(1)), first, 'the browser\'s video keeps being decoded')
        self.assertGreater(int(m.group(2)), 0, 'the browser\'s audio is decoded')
        # Closing the tab ends the session; Ctrl-C then stops the program.
        self.page.close()
        self.page = None
        self.demo.wait_line(r'^session \d+: closed$', 'the session closed after the tab went away')
        self.assert_clean_exit(self.demo.interrupt())

    def test_page_without_camera(self):
        """getUserMedia fails: the page still plays the pipeline's video and
        talks over the channel; the pipeline gets no browser track."""
        self.open_page(NoCameraPage)
        s = self.wait_page(lambda s: s['framesDecoded'] >= 10 and 'hello from gst-rtc' in s['log'],
                           'video frames decoded and the pipeline\'s hello')
        self.assertTrue(s['camera'].startswith('not available (NotFoundError)'), s['camera'])
        self.type_message('no camera')
        self.wait_page(lambda s: 'echo: no camera' in s['log'], 'the echo')
        with self.demo.cond:
            tracks = [line for line in self.demo.lines if line and 'receiving browser track' in line]
        self.assertEqual(tracks, [], 'the browser sent no track')
        self.assert_clean_exit(self.demo.interrupt())

    def test_ctrl_c_during_a_call(self):
        self.open_page()
        self.wait_page(lambda s: 'hello from gst-rtc' in s['log'], '"hello from gst-rtc" in the message log')
        status = self.demo.interrupt()
        self.demo.wait_line(r'^session \d+: closed$', 'the session closed on Ctrl-C')
        self.assert_clean_exit(status)
        self.wait_page(lambda s: s['connectionState'] != 'connected' or s['signaling'] == 'closed',
                       'the page noticing the pipeline went away', timeout=2 * TIMEOUT)


if __name__ == '__main__':
    unittest.main(verbosity=2)
