"""Drive any element that speaks webrtcbin's signal vocabulary (rtcpeerbin,
webrtcbin) from Python, two peers in one process.

Everything goes through GObject: properties, action signals, promises and
enum nicks ("connected", "have-local-offer"), so one test runs unchanged on
rtcpeerbin and on gst-plugins-bad's webrtcbin (GST_RTC_PEER_ELEMENT=webrtcbin
validates the tests themselves against a known-good peer).

Signalling is in-process: descriptions travel as (type nick, SDP text) and
are rebuilt as the receiving element's own description type, so mixed pairs
(rtcpeerbin <-> webrtcbin) work the same way. Trickled candidates are held
while the receiving peer has no (or an outdated) remote description and
flushed once the description is applied, the way an ordered signalling
channel would deliver them after the description.

All ICE stays on 127.0.0.1: rtcpeerbin gets `ice-local-addresses`,
webrtcbin its ice-agent's `add-local-ip-address` (and UPnP off).
"""

import ctypes
import faulthandler
import os
import re
import threading
import time
import unittest

import gi

gi.require_version('Gst', '1.0')
gi.require_version('GstSdp', '1.0')
from gi.repository import GLib, GObject, Gst, GstSdp  # noqa: E402

try:
    gi.require_version('GstRtc', '1.0')
    from gi.repository import GstRtc  # noqa: E402
except (ValueError, ImportError):
    GstRtc = None
try:
    gi.require_version('GstWebRTC', '1.0')
    from gi.repository import GstWebRTC  # noqa: E402
except (ValueError, ImportError):
    GstWebRTC = None

Gst.init(None)

# GLib criticals and warnings (g_return_if_fail, GStreamer API misuse) are
# failures a user would see on their console: collect them, PeerTestCase
# fails the test that caused them.
LOG_PROBLEMS = []
_LOG_DOMAINS = ('GStreamer', 'GLib', 'GLib-GObject', 'GLib-GIO', 'GStreamer-SDP', 'GStreamer-WebRTC',
                'GstRtc', 'rtcpeer', 'rtcice', 'rtcdtls', 'rtcsctp', 'libnice')


def _log_handler(domain, level, message, *_):
    LOG_PROBLEMS.append(f'{domain}: {message}')


for _d in _LOG_DOMAINS:
    GLib.log_set_handler(_d, GLib.LogLevelFlags.LEVEL_CRITICAL | GLib.LogLevelFlags.LEVEL_WARNING,
                         _log_handler, None)

ELEMENT = os.environ.get('GST_RTC_PEER_ELEMENT', 'rtcpeerbin')
# Scales every wait: ASan builds run several times slower.
SLOW = float(os.environ.get('GST_RTC_TEST_SLOW', '1'))
TIMEOUT = 10.0 * SLOW
# GST_RTC_RUN_KNOWN_GAPS=1 runs the known-gap tests on rtcpeerbin too (to
# check a fix; then drop the known_gap marker).
GAPS_SKIPPED = ELEMENT == 'rtcpeerbin' and os.environ.get('GST_RTC_RUN_KNOWN_GAPS') != '1'
SDP_TYPES = {'offer': 1, 'pranswer': 2, 'answer': 3, 'rollback': 4}


def have_element(name):
    return Gst.ElementFactory.find(name) is not None


def known_gap(reason):
    """A test rtcpeerbin fails today, with the exact failure: skipped on
    rtcpeerbin (so the suite stays green and the gap stays visible in the
    log), still run on any other element (webrtcbin validates the test)."""
    return unittest.skipIf(GAPS_SKIPPED, f'rtcpeerbin known gap: {reason}')


def wait_until(pred, timeout=TIMEOUT, what='condition', interval=0.005):
    """Poll `pred` until it is true; fail with `what` after `timeout` s."""
    end = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > end:
            raise AssertionError(f'timed out after {timeout:.1f} s waiting for {what}')
        time.sleep(interval)


def nick(obj, prop):
    """The nick of an enum property ("connected"), whichever enum type."""
    return enum_nick(obj.get_property(prop))


def enum_nick(v):
    # Never touch .value_nick of a value outside the enum (webrtcbin's data
    # channel starts at 0, which GstWebRTCDataChannelState lacks): PyGObject
    # dereferences NULL there.
    values = getattr(type(v), '__enum_values__', None)
    if values is None:
        return str(v)
    known = values.get(int(v))
    return known.value_nick if known is not None else f'<{int(v)}>'


_libgobject = None


def _gobject_ref(obj):
    global _libgobject
    if _libgobject is None:
        _libgobject = ctypes.CDLL('libgobject-2.0.so.0')
        _libgobject.g_object_ref.argtypes = [ctypes.c_void_p]
        _libgobject.g_object_ref.restype = ctypes.c_void_p
    # PyGObject's wrapper: PyObject header, then the GObject pointer.
    ptr = ctypes.c_void_p.from_address(id(obj) + object.__basicsize__).value
    assert ptr == int(re.search(r'at 0x([0-9a-f]+)\)>$', repr(obj)).group(1), 16), 'not the GObject'
    _libgobject.g_object_ref(ptr)


def rtc_error_domain():
    return GLib.quark_to_string(GstRtc.error_quark()) if GstRtc else None


class Reply:
    """A promise's outcome: the reply structure, or `error` (GLib.Error)."""

    def __init__(self, result, structure):
        self.result = result
        self.structure = structure
        self.error = None
        if structure is not None and structure.has_field('error'):
            self.error = structure.get_value('error')

    def value(self, field):
        if self.structure is None or not self.structure.has_field(field):
            return None
        return self.structure.get_value(field)

    def __repr__(self):
        s = self.structure.to_string() if self.structure is not None else None
        return f'<Reply {self.result.value_nick} {s}>'


def sdp_type_nick(t):
    return {v: k for k, v in SDP_TYPES.items()}.get(int(t), f'<{int(t)}>')


def mline_count(text):
    return len(re.findall(r'^m=', text, re.M))


def ufrags(text):
    return re.findall(r'^a=ice-ufrag:(\S+)', text, re.M)


def candidate_lines(text):
    return re.findall(r'^a=candidate:(.*)$', text, re.M)


class Channel:
    """A data channel and everything it told us, thread-safe."""

    def __init__(self, obj):
        self.obj = obj
        self.lock = threading.Lock()
        self.strings = []
        self.datas = []
        self.events = []
        self.errors = []
        self.handlers = [
            obj.connect('on-open', lambda *_: self._event('open')),
            obj.connect('on-close', lambda *_: self._event('close')),
            obj.connect('on-error', self._on_error),
            obj.connect('on-message-string', self._on_string),
            obj.connect('on-message-data', self._on_data),
        ]
        if GObject.signal_lookup('on-closing', obj.__gtype__):  # webrtcbin has none
            self.handlers.append(obj.connect('on-closing', lambda *_: self._event('closing')))

    def dispose(self):
        """Disconnect: our closures would otherwise keep the channel alive."""
        for h in self.handlers:
            self.obj.disconnect(h)
        self.handlers = []

    def _event(self, name):
        with self.lock:
            self.events.append(name)

    def _on_error(self, obj, err):
        with self.lock:
            self.errors.append(err)

    def _on_string(self, obj, s):
        with self.lock:
            self.strings.append(s)

    def _on_data(self, obj, data):
        b = data.get_data() if data is not None else b''
        with self.lock:
            self.datas.append(bytes(b) if b is not None else b'')

    @property
    def label(self):
        return self.obj.get_property('label')

    @property
    def state(self):
        return nick(self.obj, 'ready-state')

    def is_open(self):
        return self.state == 'open' or 'open' in self.events

    def wait_open(self, timeout=TIMEOUT):
        wait_until(self.is_open, timeout, f'data channel "{self.label}" to open')

    def wait_closed(self, timeout=TIMEOUT):
        wait_until(lambda: 'close' in self.events, timeout, f'on-close on data channel "{self.label}"')

    def wait_strings(self, n, timeout=TIMEOUT):
        wait_until(lambda: len(self.strings) >= n, timeout,
                   f'{n} strings on "{self.label}" (have {len(self.strings)})')
        with self.lock:
            return list(self.strings)

    def wait_datas(self, n, timeout=TIMEOUT):
        wait_until(lambda: len(self.datas) >= n, timeout,
                   f'{n} binary messages on "{self.label}" (have {len(self.datas)})')
        with self.lock:
            return list(self.datas)

    def send_string(self, s):
        self.obj.emit('send-string', s)

    def send_bytes(self, b):
        self.obj.emit('send-data', GLib.Bytes.new(b))

    def close(self):
        self.obj.emit('close')


class Peer:
    """One peer element plus the signalling state the harness keeps for it."""

    def __init__(self, factory, name, trickle=True, props=None):
        self.factory = factory
        self.name = name
        self.trickle = trickle
        self.el = Gst.ElementFactory.make(factory, name)
        if self.el is None:
            # Ours must load (a plugin that fails to load is a failure, not
            # a skip); a missing third-party peer (webrtcbin) skips.
            if factory.startswith('rtc'):
                raise AssertionError(f'no element {factory}: the plugin did not load (see GST_DEBUG=GST_PLUGIN_LOADING:3)')
            raise unittest.SkipTest(f'no element {factory}')
        self.is_rtc = self.el.find_property('ice-local-addresses') is not None
        self.other = None
        self.lock = threading.RLock()
        self.remote_ready = False
        self.held = []
        self.local_candidates = []
        self.candidate_errors = []
        self.remote_channels = []
        self.history = {p: [] for p in ('connection-state', 'ice-connection-state',
                                        'ice-gathering-state', 'signaling-state')}
        self.negotiation_needed = 0
        self._loopback_only()
        if self.el.find_property('bundle-policy') is not None:
            Gst.util_set_object_arg(self.el, 'bundle-policy', 'max-bundle')
        for k, v in (props or {}).items():
            if isinstance(v, str) and not isinstance(self.el.get_property(k), str):
                Gst.util_set_object_arg(self.el, k, v)
            else:
                self.el.set_property(k, v)
        self.channels = []
        self.handlers = [self.el.connect(f'notify::{p}', self._on_notify) for p in self.history]
        self.handlers += [
            self.el.connect('on-ice-candidate', self._on_ice_candidate),
            self.el.connect('on-data-channel', self._on_data_channel),
            self.el.connect('on-negotiation-needed', self._on_negotiation_needed),
        ]

    def dispose(self):
        """Drop every closure and reference the harness holds on the
        element and its channels (leak tests need them gone)."""
        for h in self.handlers:
            self.el.disconnect(h)
        self.handlers = []
        with self.lock:
            chans, self.channels, self.remote_channels = self.channels + self.remote_channels, [], []
        for c in chans:
            c.dispose()
        self.other = None

    def _loopback_only(self):
        if self.is_rtc:
            self.el.set_property('ice-local-addresses', ['127.0.0.1'])
            return
        if self.el.find_property('ice-agent') is None:
            return
        ice = self.el.get_property('ice-agent')
        if ice is None:
            return
        # webrtcbin 1.22 keeps its GstWebRTCNice floating: PyGObject sinks
        # that reference on the first get and drops it with the wrapper,
        # destroying webrtcbin's agent. Give it the reference back.
        _gobject_ref(ice)
        if GObject.signal_lookup('add-local-ip-address', ice.__gtype__):
            ice.emit('add-local-ip-address', '127.0.0.1')
        if ice.find_property('agent') is not None:
            agent = ice.get_property('agent')
            if agent is not None and agent.find_property('upnp') is not None:
                agent.set_property('upnp', False)

    # --- events -----------------------------------------------------------
    def _on_notify(self, el, pspec):
        v = nick(el, pspec.name)
        with self.lock:
            self.history[pspec.name].append(v)

    def _on_negotiation_needed(self, el):
        with self.lock:
            self.negotiation_needed += 1

    def _on_data_channel(self, el, ch):
        c = Channel(ch)
        with self.lock:
            self.remote_channels.append(c)

    def _on_ice_candidate(self, el, mline, cand):
        with self.lock:
            self.local_candidates.append((mline, cand))
        if self.trickle and self.other is not None:
            self.other.deliver_candidate(mline, cand)

    # --- trickle -----------------------------------------------------------
    def deliver_candidate(self, mline, cand):
        """A candidate from the other peer: apply now, or hold it until the
        remote description it belongs to is applied."""
        with self.lock:
            if not self.remote_ready:
                self.held.append((mline, cand))
                return
        self.add_ice_candidate(mline, cand, record=True)

    def hold(self):
        with self.lock:
            self.remote_ready = False

    def release(self):
        with self.lock:
            self.remote_ready = True
            held, self.held = self.held, []
        for m, c in held:
            self.add_ice_candidate(m, c, record=True)

    def add_ice_candidate(self, mline, cand, record=False, wait=False):
        """Returns a Reply for rtcpeerbin when `wait`; webrtcbin gives none."""
        if self.takes_promise('add-ice-candidate'):
            if wait:
                return self.call('add-ice-candidate', mline, cand)
            if record:
                def done(p, *_):
                    r = Reply(p.wait(), p.get_reply())
                    if r.error is not None:
                        with self.lock:
                            self.candidate_errors.append((mline, cand, r.error.message))
                self.el.emit('add-ice-candidate', mline, cand, Gst.Promise.new_with_change_func(done))
            else:
                self.el.emit('add-ice-candidate', mline, cand, None)
        else:
            self.el.emit('add-ice-candidate', mline, cand if cand is not None else '')
        return None

    def takes_promise(self, signal):
        sid = GObject.signal_lookup(signal, self.el.__gtype__)
        return len(GObject.signal_query(sid).param_types) == 3

    # --- promises ------------------------------------------------------------
    def call(self, signal, *args, timeout=TIMEOUT):
        """Emit a promise-taking action; wait for its reply (never hangs:
        a missing reply fails the test)."""
        done = threading.Event()
        p = Gst.Promise.new_with_change_func(lambda *_: done.set())
        self.el.emit(signal, *args, p)
        if not done.wait(timeout):
            p.interrupt()
            raise AssertionError(f'{self.name}: {signal} promise got no reply in {timeout:.1f} s')
        return Reply(p.wait(), p.get_reply())

    def description(self, type_nick, text):
        """`text` as this element's own description type."""
        t = SDP_TYPES[type_nick]
        if self.is_rtc:
            if type_nick == 'rollback':
                return GstRtc.SessionDescription.new(GstRtc.SdpType(t), None)
            return GstRtc.SessionDescription.new_from_string(GstRtc.SdpType(t), text)
        res, msg = GstSdp.SDPMessage.new_from_text(text or '')
        return GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType(t), msg)

    def raw_description(self, type_nick, text):
        """`text` through GstSDPMessage's lenient parser only: lets garbage
        reach the element (new_from_string would refuse it first)."""
        t = SDP_TYPES[type_nick]
        res, msg = GstSdp.SDPMessage.new_from_text(text)
        if self.is_rtc:
            return GstRtc.SessionDescription.new(GstRtc.SdpType(t), msg)
        return GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType(t), msg)

    @staticmethod
    def text_of(desc):
        return (sdp_type_nick(desc.type), desc.sdp.as_text())

    def create(self, kind, options=None):
        """create-offer / create-answer → (type nick, SDP text); fails the test
        on an error reply."""
        r = self.call(f'create-{kind}', options)
        self._check(r, f'create-{kind}')
        desc = r.value(kind)
        if desc is None:
            raise AssertionError(f'{self.name}: create-{kind} reply has no "{kind}": {r}')
        return self.text_of(desc)

    def set_local(self, type_nick, text):
        r = self.call('set-local-description', self.description(type_nick, text))
        self._check(r, f'set-local-description({type_nick})')
        return r

    def set_remote(self, type_nick, text):
        r = self.call('set-remote-description', self.description(type_nick, text))
        self._check(r, f'set-remote-description({type_nick})')
        if type_nick != 'rollback':
            self.release()
        return r

    def _check(self, r, what):
        if r.error is not None:
            raise AssertionError(f'{self.name}: {what} failed: {r.error.message}')
        if r.result != Gst.PromiseResult.REPLIED:
            raise AssertionError(f'{self.name}: {what} not replied: {r.result.value_nick}')

    def local_description_text(self):
        d = self.el.get_property('local-description')
        return None if d is None else d.sdp.as_text()

    def remote_description_text(self):
        d = self.el.get_property('remote-description')
        return None if d is None else d.sdp.as_text()

    def wait_gathered(self, timeout=TIMEOUT):
        wait_until(lambda: nick(self.el, 'ice-gathering-state') == 'complete', timeout,
                   f'{self.name} ice-gathering-state complete')

    def local_text_for_signalling(self, created_text):
        """What this peer sends: the created SDP when trickling; once
        gathering completes, the local description with its candidates
        otherwise."""
        if self.trickle:
            return created_text
        self.wait_gathered()
        return self.local_description_text()

    def state(self, prop='connection-state'):
        return nick(self.el, prop)

    def wait_state(self, value, prop='connection-state', timeout=TIMEOUT):
        wait_until(lambda: nick(self.el, prop) == value, timeout,
                   f'{self.name} {prop} == {value} (is {nick(self.el, prop)}, seen {self.history.get(prop)})')

    def signal_enum(self, signal, index, value_nick):
        """The enum value named `value_nick` for argument `index` of
        `signal`, whichever enum type this element uses there (GstRtc's or
        GstWebRTC's): GstStructure deserializes enums by nick."""
        sid = GObject.signal_lookup(signal, self.el.__gtype__)
        gtype = GObject.signal_query(sid).param_types[index]
        s = Gst.Structure.new_from_string(f'x, v=({gtype.name}){value_nick}')
        if s is None:
            raise AssertionError(f'{gtype.name} has no value "{value_nick}"')
        return s.get_value('v')

    def add_transceiver(self, direction, caps):
        d = self.signal_enum('add-transceiver', 0, direction)
        t = self.el.emit('add-transceiver', d, Gst.Caps.from_string(caps))
        if t is None:
            raise AssertionError(f'{self.name}: add-transceiver({direction}, {caps}) returned NULL')
        return t

    def create_data_channel(self, label, options=None):
        ch = self.el.emit('create-data-channel', label, options)
        if ch is None:
            raise AssertionError(f'{self.name}: create-data-channel("{label}") returned NULL')
        c = Channel(ch)
        with self.lock:
            self.channels.append(c)
        return c

    def remote_channel(self, label, timeout=TIMEOUT):
        def find():
            with self.lock:
                for c in self.remote_channels:
                    if c.label == label:
                        return c
            return None
        return wait_until(find, timeout, f'{self.name} on-data-channel "{label}"')

    def stats(self):
        r = self.call('get-stats', None)
        self._check(r, 'get-stats')
        out = {}
        s = r.structure
        for i in range(s.n_fields()):
            name = s.nth_field_name(i)
            try:
                v = s.get_value(name)
            except TypeError:  # a field type PyGObject cannot wrap
                continue
            if isinstance(v, Gst.Structure):
                out[name] = v.copy()  # the reply owns v
        return out

    def close(self):
        if GObject.signal_lookup('close', self.el.__gtype__):
            self.el.emit('close')


def stat_type(s):
    try:
        v = s.get_value('type')
    except TypeError:
        # An enum GType PyGObject has not loaded (webrtcbin's
        # GstWebRTCStatsType): read its serialized nick instead.
        m = re.search(r'(?:^|[ ,])type=\([^)]*\)([\w-]+)', s.to_string())
        return m.group(1) if m else None
    return enum_nick(v) if hasattr(type(v), '__enum_values__') else str(v)


def selected_pair(stats):
    """(candidate-pair, local candidate, remote candidate) the transport
    reports as selected (W3C transport.selectedCandidatePairId), or the
    nominated pair when the transport names none."""
    pair = None
    for s in stats.values():
        if stat_type(s) == 'transport' and s.has_field('selected-candidate-pair-id'):
            pair = stats.get(s.get_value('selected-candidate-pair-id'))
    if pair is None:
        for s in stats.values():
            if stat_type(s) == 'candidate-pair' and s.has_field('nominated') and s.get_value('nominated'):
                pair = s
    if pair is None:
        return None, None, None
    return pair, stats.get(pair.get_value('local-candidate-id')), stats.get(pair.get_value('remote-candidate-id'))


class Pair:
    """Two peers in one pipeline, signalling each other in-process."""

    def __init__(self, factory_a=ELEMENT, factory_b=None, trickle_a=True, trickle_b=True,
                 props_a=None, props_b=None):
        self.pipeline = Gst.Pipeline.new(None)
        self.a = Peer(factory_a, 'a', trickle_a, props_a)
        self.b = Peer(factory_b or factory_a, 'b', trickle_b, props_b)
        self.a.other, self.b.other = self.b, self.a
        self.pipeline.add(self.a.el)
        self.pipeline.add(self.b.el)
        self.bus_errors = []
        self.bus_warnings = []  # (source name, GError) of warning messages
        # Not set_sync_handler: PyGObject leaks every message (and so a
        # reference on its source element) through it.
        bus = self.pipeline.get_bus()
        bus.enable_sync_message_emission()
        self.bus_handler = bus.connect('sync-message::error', self._on_bus)
        self.bus_warning_handler = bus.connect('sync-message::warning', self._on_bus_warning)
        if self.pipeline.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
            raise AssertionError('pipeline did not go to PLAYING')

    def _on_bus(self, bus, msg):
        err, dbg = msg.parse_error()
        self.bus_errors.append(f'{msg.src.get_name()}: {err.message} ({dbg})')

    def _on_bus_warning(self, bus, msg):
        err, _dbg = msg.parse_warning()
        self.bus_warnings.append((msg.src.get_name(), err))

    def peers(self, offerer):
        return (self.a, self.b) if offerer in ('a', self.a) else (self.b, self.a)

    def negotiate(self, offerer='a', options=None):
        """One full offer/answer, trickle or not per peer; returns the
        (offer, answer) SDP texts as signalled."""
        o, r = self.peers(offerer)
        _, offer = o.create('offer', options)
        r.hold()
        o.set_local('offer', offer)
        sent_offer = o.local_text_for_signalling(offer)
        r.set_remote('offer', sent_offer)
        _, answer = r.create('answer')
        o.hold()
        r.set_local('answer', answer)
        sent_answer = r.local_text_for_signalling(answer)
        o.set_remote('answer', sent_answer)
        return sent_offer, sent_answer

    def wait_connected(self, timeout=TIMEOUT):
        self.a.wait_state('connected', timeout=timeout)
        self.b.wait_state('connected', timeout=timeout)

    def close(self):
        for p in (self.a, self.b):
            try:
                p.close()
            except Exception:
                pass
        bus = self.pipeline.get_bus()
        if self.bus_handler:
            bus.disconnect(self.bus_handler)
            bus.disconnect(self.bus_warning_handler)
            bus.disable_sync_message_emission()
            self.bus_handler = None
        self.pipeline.set_state(Gst.State.NULL)
        for p in (self.a, self.b):
            p.dispose()


class PeerTestCase(unittest.TestCase):
    """Per test: a hard deadline (a hang dumps all stacks and exits), and
    every Pair made through `pair()` torn down."""

    DEADLINE = 45.0

    def setUp(self):
        # A hang dumps every thread's stack and exits before meson's own
        # timeout (120 s per file) would kill the run without a trace.
        faulthandler.dump_traceback_later(min(self.DEADLINE * SLOW, 100.0), exit=True)
        self.pairs = []
        LOG_PROBLEMS[:] = []

    def tearDown(self):
        for p in self.pairs:
            p.close()
        self.pairs = []
        faulthandler.cancel_dump_traceback_later()
        problems, LOG_PROBLEMS[:] = list(LOG_PROBLEMS), []
        self.assertEqual(problems, [], 'GLib criticals/warnings during the test')

    def pair(self, **kw):
        p = Pair(**kw)
        self.pairs.append(p)
        return p

    def assert_no_candidate_errors(self, *peers):
        for p in peers:
            self.assertEqual(p.candidate_errors, [], f'{p.name}: add-ice-candidate errors')

    def exchange(self, ch_from, ch_to, tag, n=5, size=1000):
        """n strings and n binary messages, checked byte for byte in order."""
        base = len(ch_to.strings), len(ch_to.datas)
        strings = [f'{tag} string {i} ' + 'é' * (i % 7) for i in range(n)]
        blobs = [bytes(((i * 31 + k) & 0xff) for k in range(size + i)) for i in range(n)]
        for s in strings:
            ch_from.send_string(s)
        for b in blobs:
            ch_from.send_bytes(b)
        got_s = ch_to.wait_strings(base[0] + n)[base[0]:]
        got_b = ch_to.wait_datas(base[1] + n)[base[1]:]
        self.assertEqual(got_s, strings, f'{tag}: strings')
        self.assertEqual(len(got_b), n)
        for i, (g, b) in enumerate(zip(got_b, blobs)):
            self.assertEqual(g, b, f'{tag}: binary message {i} ({len(g)} vs {len(b)} bytes)')


def main():
    unittest.main(verbosity=2)
