"""rtcpeerbin against a real headless Chromium, everything on 127.0.0.1.

Pieces (one Chromium and one HTTP server per test class, a fresh tab and
a fresh rtcpeerbin per test):

- `Chromium`: Debian's /usr/bin/chromium started headless with a fresh
  profile, driven through the DevTools Protocol over a pipe (cdp.py).
- `SignalServer`: http.server on 127.0.0.1 serving page.html/page.js and
  the signalling endpoints the page fetch()es (page.js describes them).
- `Page`: one tab running page.js's `app`; `call()` runs its methods with
  Runtime.evaluate (awaitPromise), `status()` is what the web app sees.
- `Ours`: rtcpeerbin (peer_harness.Peer) driven from a GLib main loop
  thread, as an application would: the signalling messages the page posts
  are applied there (an offer is answered at once), and its descriptions
  and trickled candidates go to the page in order.

Media scenarios (issue 7) slot in here: the page gets getUserMedia /
addTransceiver helpers and `Ours` pads; the signalling, the browser and
the state tracking stay as they are.
"""

import base64
import re
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'pipelines'))
sys.path.insert(0, os.path.join(HERE, '..', 'interop'))
from cdp import Cdp, CdpError  # noqa: E402
from peer_harness import (ELEMENT, SLOW, TIMEOUT, GLib, Gst, GstRtc, Peer, PeerTestCase,  # noqa: E402
                          known_gap, main, rtc_error_domain, stat_type, wait_until)
from sdp_interop import only_loopback  # noqa: E402

# The flags the issue fixes (see docs/testing.md): headless, fake devices,
# loopback candidates, nothing phoning home, a throw-away profile. mDNS
# host candidates are off here: Chromium's responder never listens on lo;
# test_mdns_host_candidates turns them on with a veth pair of its own.
CHROMIUM_FLAGS = [
    '--headless=new', '--no-sandbox', '--disable-gpu',
    '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
    '--allow-loopback-in-peer-connection',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--no-first-run', '--disable-features=WebRtcHideLocalIpsWithMdns',
    '--remote-debugging-pipe',
]
# Environment a test run carries that must not reach Chromium: the ASan
# runtime preloaded for our plugins, our library path, sanitizer options.
CHROMIUM_ENV_DROP = ('LD_PRELOAD', 'LD_LIBRARY_PATH', 'ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LSAN_OPTIONS')


def find_chromium():
    path = os.environ.get('GST_RTC_CHROMIUM') or shutil.which('chromium') or shutil.which('chromium-browser')
    return path if path and os.access(path, os.X_OK) else None


def _high_fd(fd):
    """`fd` moved to 10 or above, close-on-exec: the launcher maps the
    pipe ends to 3 and 4 and nothing may sit there already."""
    n = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return n


class Chromium:
    """A headless Chromium with its own profile; `cdp` talks to it."""

    def __init__(self, path):
        self.dir = tempfile.mkdtemp(prefix='gst-rtc-chromium-')
        # GST_RTC_CHROMIUM_LOG keeps Chromium's output after the run and
        # GST_RTC_CHROMIUM_ARGS adds flags (e.g. --enable-logging=stderr
        # --vmodule=*dtls*=2) when a failure needs Chromium's side.
        self.stderr_path = os.environ.get('GST_RTC_CHROMIUM_LOG') or os.path.join(self.dir, 'stderr.log')
        to_chrome_r, to_chrome_w = map(_high_fd, os.pipe())
        from_chrome_r, from_chrome_w = map(_high_fd, os.pipe())
        env = {k: v for k, v in os.environ.items() if k not in CHROMIUM_ENV_DROP}
        env.update(HOME=self.dir, XDG_CONFIG_HOME=os.path.join(self.dir, 'config'),
                   XDG_CACHE_HOME=os.path.join(self.dir, 'cache'))
        args = CHROMIUM_FLAGS + os.environ.get('GST_RTC_CHROMIUM_ARGS', '').split() + [
            f'--user-data-dir={os.path.join(self.dir, "profile")}', 'about:blank']
        # Chromium reads commands from fd 3 and writes to fd 4; subprocess
        # keeps inherited fds at their numbers, so bash moves them there.
        script = f'exec "$@" 3<&{to_chrome_r} 4>&{from_chrome_w} {to_chrome_r}<&- {from_chrome_w}>&-'
        with open(self.stderr_path, 'wb') as err:
            self.proc = subprocess.Popen(['/bin/bash', '-c', script, 'chromium', path] + args,
                                         pass_fds=(to_chrome_r, from_chrome_w), env=env,
                                         stdin=subprocess.DEVNULL, stdout=err, stderr=err,
                                         start_new_session=True)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.cdp = Cdp(from_chrome_r, to_chrome_w)
        try:
            self.version = self.cdp.send('Browser.getVersion', timeout=30 * SLOW)['product']
        except (CdpError, OSError) as e:
            log = self.stderr_tail()
            self.stop()
            raise unittest.SkipTest(f'chromium ({path}) did not start: {e}; its stderr: {log}')

    def stderr_tail(self, n=1500):
        try:
            with open(self.stderr_path, 'rb') as f:
                return f.read().decode(errors='replace')[-n:]
        except OSError:
            return ''

    def stop(self):
        if self.proc.poll() is None:
            try:
                self.cdp.send('Browser.close', timeout=5)
            except (CdpError, OSError):
                pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait()
        self.cdp.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class Session:
    """One page's signalling: messages to the page (numbered, long-polled)
    and a callback for the page's own."""

    def __init__(self, on_message):
        self.on_message = on_message
        self.cond = threading.Condition()
        self.outbox = []
        self.inbox = []  # everything the page sent, for the tests
        self.closed = False

    def push(self, msg):
        with self.cond:
            self.outbox.append(msg)
            self.cond.notify_all()

    def poll(self, after, timeout):
        end = time.monotonic() + timeout
        with self.cond:
            while len(self.outbox) <= after and not self.closed:
                left = end - time.monotonic()
                if left <= 0:
                    break
                self.cond.wait(left)
            return self.outbox[after:], len(self.outbox)

    def received(self, msg):
        with self.cond:
            self.inbox.append(msg)
        self.on_message(msg)

    def close(self):
        with self.cond:
            self.closed = True
            self.cond.notify_all()


class SignalServer:
    """The page and the signalling endpoints, on 127.0.0.1 only."""

    FILES = {'/page.html': 'text/html; charset=utf-8', '/page.js': 'text/javascript; charset=utf-8'}

    def __init__(self):
        self.sessions = {}
        self.lock = threading.Lock()
        self.next_id = 1
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, *args):
                pass

            def _reply(self, code, body=b'', ctype='application/json'):
                try:
                    self.send_response(code)
                    self.send_header('Content-Type', ctype)
                    self.send_header('Content-Length', str(len(body)))
                    self.send_header('Cache-Control', 'no-store')
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the tab went away during a long poll

            def _session(self, path):
                parts = path.split('/')
                if len(parts) != 3 or parts[1] != 'signal':
                    return None
                with server.lock:
                    return server.sessions.get(parts[2])

            def do_GET(self):
                u = urllib.parse.urlsplit(self.path)
                if u.path in server.FILES:
                    with open(os.path.join(HERE, u.path[1:]), 'rb') as f:
                        return self._reply(200, f.read(), server.FILES[u.path])
                s = self._session(u.path)
                if s is None:
                    return self._reply(404)
                after = int(urllib.parse.parse_qs(u.query).get('after', ['0'])[0])
                msgs, n = s.poll(after, 5.0)
                self._reply(200, json.dumps({'messages': msgs, 'next': n}).encode())

            def do_POST(self):
                s = self._session(urllib.parse.urlsplit(self.path).path)
                body = self.rfile.read(int(self.headers.get('Content-Length', '0')))
                if s is None:
                    return self._reply(404)
                s.received(json.loads(body))
                self._reply(204)

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                e = sys.exc_info()[1]
                if not isinstance(e, ConnectionError):  # a closed tab's connections reset
                    server.errors.append(f'{type(e).__name__}: {e}')

        self.errors = []  # exceptions in the handlers: a test fails on them
        self.httpd = Server(('127.0.0.1', 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, name='signal-http', daemon=True)
        self.thread.start()

    def add(self, session):
        with self.lock:
            sid = str(self.next_id)
            self.next_id += 1
            self.sessions[sid] = session
        return sid

    def remove(self, sid):
        with self.lock:
            s = self.sessions.pop(sid, None)
        if s:
            s.close()

    def url(self, sid):
        return f'http://127.0.0.1:{self.port}/page.html?session={sid}'

    def stop(self):
        with self.lock:
            sessions, self.sessions = list(self.sessions.values()), {}
        for s in sessions:
            s.close()
        self.httpd.shutdown()
        self.httpd.server_close()


class PageError(AssertionError):
    pass


class Page:
    """One tab running page.js; every method of `app` is reachable with
    `call(name, *args)` (JSON arguments, awaited, JSON result)."""

    def __init__(self, chromium, url):
        self.cdp = chromium.cdp
        self.target = self.cdp.send('Target.createTarget', {'url': 'about:blank'})['targetId']
        self.sid = self.cdp.send('Target.attachToTarget', {'targetId': self.target, 'flatten': True})['sessionId']
        nav = self.cdp.send('Page.navigate', {'url': url}, session_id=self.sid)
        if nav.get('errorText'):
            raise AssertionError(f'page {url}: {nav["errorText"]}')
        wait_until(self._loaded, TIMEOUT, f'{url} to load')

    def _loaded(self):
        try:
            return self.evaluate('typeof app !== "undefined" && document.readyState === "complete"')
        except (CdpError, PageError):  # the old document went away under us
            return False

    def evaluate(self, expression, timeout=TIMEOUT):
        r = self.cdp.send('Runtime.evaluate', {'expression': expression, 'awaitPromise': True,
                                               'returnByValue': True}, session_id=self.sid, timeout=timeout)
        if 'exceptionDetails' in r:
            d = r['exceptionDetails']
            text = d.get('exception', {}).get('description') or d.get('text')
            raise PageError(f'page: {expression[:120]}: {text}')
        return r['result'].get('value')

    def call(self, method, *args, timeout=TIMEOUT):
        return self.evaluate(f'app.{method}({", ".join(json.dumps(a) for a in args)})', timeout)

    def status(self):
        return self.call('status')

    def wait(self, pred, what, timeout=TIMEOUT):
        """Poll status() until pred(status) holds and return that status;
        page errors fail at once."""
        last = {}

        def check():
            s = self.status()
            last['s'] = s
            if s['errors']:
                raise PageError(f'page errors while waiting for {what}: {s["errors"]}')
            return s if pred(s) else None
        try:
            return wait_until(check, timeout, f'page: {what}', interval=0.02)
        except AssertionError as e:
            if isinstance(e, PageError):
                raise
            s = last.get('s', {})
            brief = {k: s.get(k) for k in ('connectionState', 'iceConnectionState', 'signalingState',
                                           'history', 'counts', 'channels')}
            raise AssertionError(f'{e}; page status {json.dumps(brief)}') from None

    def wait_state(self, value, timeout=TIMEOUT):
        self.wait(lambda s: s['connectionState'] == value, f'connectionState == {value}', timeout)

    def wait_channel(self, label, pred, what, timeout=TIMEOUT):
        return self.wait(lambda s: label in s['channels'] and pred(s['channels'][label]),
                         f'channel "{label}" {what}', timeout)

    def messages(self, label, start=0):
        """Decoded: str for text messages, bytes for binary ones."""
        return [m['string'] if 'string' in m else base64.b64decode(m['b64'])
                for m in self.call('messages', label, start)]

    def send(self, label, items):
        """items: str (text message) or bytes (binary), in order."""
        return self.call('send', label, [{'string': i} if isinstance(i, str) else
                                         {'b64': base64.b64encode(i).decode()} for i in items])

    def close(self):
        try:
            self.cdp.send('Target.closeTarget', {'targetId': self.target}, timeout=10)
        except CdpError:
            pass


class MainLoop:
    """The GLib main loop thread rtcpeerbin is driven from."""

    def __init__(self):
        self.context = GLib.MainContext.new()
        self.loop = GLib.MainLoop.new(self.context, False)
        self.thread = threading.Thread(target=self._run, name='glib-main', daemon=True)
        self.thread.start()

    def _run(self):
        self.context.push_thread_default()
        self.loop.run()
        self.context.pop_thread_default()

    def post(self, fn):
        """Run fn() on the loop thread, not waiting."""
        src = GLib.idle_source_new()
        src.set_callback(lambda *_: fn() and False)
        src.attach(self.context)

    def run(self, fn, timeout=3 * TIMEOUT):
        """Run fn() on the loop thread and return its result (or raise its
        exception here)."""
        done = threading.Event()
        out = {}

        def job():
            try:
                out['v'] = fn()
            except BaseException as e:  # noqa: B902 - re-raised in the caller
                out['e'] = e
            done.set()
        self.post(job)
        if not done.wait(timeout):
            raise AssertionError(f'main loop job {fn} did not finish in {timeout:.0f} s')
        if 'e' in out:
            raise out['e']
        return out.get('v')

    def stop(self):
        self.context.invoke_full(GLib.PRIORITY_DEFAULT, lambda *_: self.loop.quit() and False)
        self.thread.join(10)


class BusMessage:
    """An error or warning rtcpeerbin posted: what an application logs."""

    def __init__(self, kind, source, error, debug):
        self.kind, self.source, self.error, self.debug = kind, source, error, debug

    def __repr__(self):
        return f'{self.kind} from {self.source}: [{self.error.domain} {self.error.code}] {self.error.message} ({self.debug})'


class Ours:
    """rtcpeerbin on the main loop thread, signalling with a Page's session.

    The harness Peer's `other` is this object: its trickled candidates come
    here (`deliver_candidate`) and are sent to the page after the
    description they belong to."""

    def __init__(self, loop, trickle=True):
        self.loop = loop
        self.trickle = trickle
        self.session = Session(self._from_page)
        self.lock = threading.Lock()
        self.holding = True  # nothing sent before the first description
        self.held = []
        self.errors = []
        self.sent = []  # (type, sdp) of every description sent to the page
        self.candidates_sent = 0
        self.candidates_from_page = 0

        def make():
            self.pipeline = Gst.Pipeline.new(None)
            self.peer = Peer(ELEMENT, 'ours', trickle=trickle)
            self.peer.other = self
            self.pipeline.add(self.peer.el)
            bus = self.pipeline.get_bus()
            self.bus_errors = []
            # Called on the loop thread: the watch goes to its context
            # (the thread-default one there).
            bus.add_watch(GLib.PRIORITY_DEFAULT, self._on_bus)
            if self.pipeline.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
                raise AssertionError('pipeline did not go to PLAYING')
        self.loop.run(make)

    def _on_bus(self, bus, msg, *_):
        if msg.type == Gst.MessageType.ERROR:
            err, dbg = msg.parse_error()
            self.bus_errors.append(BusMessage('error', msg.src.get_name(), err, dbg))
        elif msg.type == Gst.MessageType.WARNING:
            err, dbg = msg.parse_warning()
            self.bus_errors.append(BusMessage('warning', msg.src.get_name(), err, dbg))
        return True

    # --- to the page ---------------------------------------------------------
    def deliver_candidate(self, mline, cand):
        """A candidate rtcpeerbin trickled (called from its thread)."""
        msg = {'type': 'candidate', 'candidate': cand or '', 'sdpMLineIndex': mline}
        with self.lock:
            if self.holding:
                self.held.append(msg)
                return
            self._push_candidate(msg)

    def _push_candidate(self, msg):
        if msg['candidate']:
            self.candidates_sent += 1
        self.session.push(msg)

    def _send_description(self, type_nick, created):
        text = self.peer.local_text_for_signalling(created)
        with self.lock:
            self.sent.append((type_nick, text))
            self.session.push({'type': type_nick, 'sdp': text})
            held, self.held, self.holding = self.held, [], False
            for m in held:
                self._push_candidate(m)

    def _hold(self):
        with self.lock:
            self.holding = True

    # --- from the page (HTTP thread) ------------------------------------------
    def _from_page(self, msg):
        self.loop.post(lambda: self._apply(msg))

    def _apply(self, msg):
        try:
            t = msg.get('type')
            if t == 'offer':
                self.peer.set_remote('offer', msg['sdp'])
                _, answer = self.peer.create('answer')
                self._hold()
                self.peer.set_local('answer', answer)
                self._send_description('answer', answer)
            elif t == 'answer':
                self.peer.set_remote('answer', msg['sdp'])
            elif t == 'candidate':
                if msg['candidate']:
                    self.candidates_from_page += 1
                self.peer.deliver_candidate(msg.get('sdpMLineIndex') or 0, msg['candidate'])
            else:
                raise AssertionError(f'unknown message from the page: {msg}')
        except Exception as e:  # noqa: BLE001 - reported by check()
            self.errors.append(f'applying {msg.get("type")} from the page: {e}')

    # --- test side -----------------------------------------------------------
    def offer(self, options=None):
        """create-offer, set it, send it (on the main loop)."""
        def job():
            _, offer = self.peer.create('offer', options)
            self._hold()
            self.peer.set_local('offer', offer)
            self._send_description('offer', offer)
        self.loop.run(job)

    def emit(self, *args):
        return self.loop.run(lambda: self.peer.el.emit(*args))

    def create_channel(self, label, options=None):
        return self.loop.run(lambda: self.peer.create_data_channel(label, options))

    def check(self):
        """Signalling and add-ice-candidate errors fail the test where
        they happened."""
        if self.errors:
            raise AssertionError(f'signalling: {self.errors}')
        if self.peer.candidate_errors:
            raise AssertionError(f'add-ice-candidate errors: {self.peer.candidate_errors}')

    def transport_elements(self):
        """State and counters of the bin's transport elements (read
        through GstBin and their properties), for failure messages."""
        out = []
        it = self.peer.el.iterate_recurse()
        while True:
            res, el = it.next()
            if res != Gst.IteratorResult.OK:
                break
            f = el.get_factory()
            name = f.get_name() if f else ''
            if not name.startswith(('rtcice', 'rtcdtls')):
                continue
            extra = ''
            if el.find_property('is-client') is not None:
                extra += f' is-client={el.get_property("is-client")}'
            if name == 'rtcdtlssrtpdec' and el.find_property('stats') is not None:
                st = el.get_property('stats')
                extra += f' {st.to_string() if st is not None else None}'
            out.append(f'{el.get_name()} {el.get_state(0)[1].value_nick}{extra}')
        return out

    def wait_state(self, value, timeout=TIMEOUT):
        def ok():
            self.check()
            return self.peer.state() == value
        wait_until(ok, timeout, f'rtcpeerbin connection-state == {value} (is {self.peer.state()}, '
                   f'seen {self.peer.history["connection-state"]})')

    def stop(self):
        def job():
            try:
                self.peer.close()
            finally:
                self.pipeline.set_state(Gst.State.NULL)
                self.pipeline.get_bus().remove_watch()
                self.peer.dispose()
        self.loop.run(job)
        self.session.close()


def ufrag_set(sdp):
    """The ICE ufrags of a description, as a set (None reads as none)."""
    return set(re.findall(r'^a=ice-ufrag:(\S+)', sdp or '', re.M))


class BrowserTestCase(PeerTestCase):
    """One Chromium and one signalling server per class; per test a tab
    (`self.page`) and an rtcpeerbin (`self.ours`) signalling with it
    through `connect()`."""

    DEADLINE = 60.0

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        path = find_chromium()
        if path is None:
            raise unittest.SkipTest('chromium not installed (Debian: apt-get install chromium; '
                                    './dev test installs it)')
        if not only_loopback() and os.environ.get('GST_RTC_INTEROP_ALLOW_HOST_NETWORK') != '1':
            raise unittest.SkipTest('not in a loopback-only network namespace (run through run-in-netns.sh)')
        if Gst.ElementFactory.find(ELEMENT) is None:
            if ELEMENT.startswith('rtc'):
                raise AssertionError(f'no element {ELEMENT}: the plugin did not load')
            raise unittest.SkipTest(f'no element {ELEMENT}')
        cls.chromium = Chromium(path)
        cls.server = SignalServer()
        cls.loop = MainLoop()

    @classmethod
    def tearDownClass(cls):
        cls.loop.stop()
        cls.server.stop()
        cls.chromium.stop()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.page = None
        self.ours = None
        self.sid = None

    def tearDown(self):
        try:
            if self.page is not None:
                self.page.close()
            if self.ours is not None:
                self.ours.stop()
                bus_errors = self.ours.bus_errors
            else:
                bus_errors = []
        finally:
            if self.sid is not None:
                self.server.remove(self.sid)
        super().tearDown()
        http_errors, self.server.errors[:] = list(self.server.errors), []
        self.assertEqual(http_errors, [], 'signalling server errors')
        bus_errors = [m for m in bus_errors if not self.expected_bus_message(m)]
        self.assertEqual(bus_errors, [], 'rtcpeerbin error/warning messages on the bus')

    def expected_bus_message(self, msg):
        """Whether a test expects `msg` (a BusMessage): none by default."""
        return False

    def open(self, trickle_ours=True, trickle_page=True):
        """A fresh tab and a fresh rtcpeerbin, signalling with each other."""
        self.ours = Ours(self.loop, trickle=trickle_ours)
        self.sid = self.server.add(self.ours.session)
        self.page = Page(self.chromium, self.server.url(self.sid))
        self.page.call('start', {'trickle': trickle_page})

    def wait_connected(self):
        """connection-state `connected` on both sides (what a user checks first)."""
        try:
            self.ours.wait_state('connected', timeout=2 * TIMEOUT)
        except AssertionError as e:
            raise AssertionError(f'{e}; {self.diagnosis()}') from None
        self.page.wait_state('connected', timeout=2 * TIMEOUT)

    def restart_done(self, old_local, old_remote):
        """Both sides stable with descriptions whose ufrags are all new, and
        the page holding the same credentials as rtcpeerbin."""
        def ours_done():
            self.ours.check()
            if self.ours.peer.state('signaling-state') != 'stable':
                return False
            local = ufrag_set(self.ours.peer.local_description_text())
            remote = ufrag_set(self.ours.peer.remote_description_text())
            return local and remote and not (local & old_local) and not (remote & old_remote)
        wait_until(ours_done, TIMEOUT, 'rtcpeerbin: both descriptions with new ICE credentials')
        self.page.wait(lambda s: s['signalingState'] == 'stable' and ufrag_set(s['localSdp']) == ufrag_set(
            self.ours.peer.remote_description_text()) and ufrag_set(s['remoteSdp']) == ufrag_set(
            self.ours.peer.local_description_text()), 'the restarted credentials on the page')

    def diagnosis(self):
        """Both sides' view of the signalling and states, for a failure message."""
        try:
            s = self.page.status()
            page = {k: s.get(k) for k in ('connectionState', 'signalingState', 'history', 'counts', 'errors')}
        except Exception as e:  # noqa: BLE001 - a diagnosis must not hide the failure
            page = f'unavailable: {e}'
        try:
            # Where datagrams stopped: ICE (candidate-pair) and DTLS
            # (transport) counters.
            stats = [v.to_string() for v in self.ours.peer.stats().values()
                     if stat_type(v) in ('transport', 'candidate-pair')]
        except Exception as e:  # noqa: BLE001 - a diagnosis must not hide the failure
            stats = f'unavailable: {e}'
        sess = self.ours.session
        return (f'to the page {[m.get("type") for m in sess.outbox]}, from the page '
                f'{[m.get("type") for m in sess.inbox]}, page {page}, rtcpeerbin {self.ours.peer.history}, '
                f'rtcpeerbin stats {stats}, transport elements {self.ours.transport_elements()}, '
                f'http errors {self.server.errors}')


__all__ = ['BrowserTestCase', 'Chromium', 'Page', 'Ours', 'SignalServer', 'TIMEOUT', 'SLOW', 'main',
           'wait_until', 'Gst', 'GLib', 'GstRtc', 'rtc_error_domain', 'known_gap']
