#!/usr/bin/python3
"""200+ bad-SDP and wrong-state calls on rtcpeerbin: each promise replies
with an `error` of domain GstRtc.error_quark() and the W3C code (as
gst-libs/gst/rtc/jsep maps them: content errors in a remote description ->
INVALID_ACCESS, unparsable SDP or candidate -> SYNTAX, wrong signaling
state -> INVALID_STATE (checked first, W3C), an edited local description ->
INVALID_MODIFICATION, a trickled candidate that does not parse or has no
usable m-line -> OPERATION as W3C addIceCandidate says), never a crash or a
hang, and a failed call leaves the signaling state as it was.

Garbage reaches the element through GstSDPMessage (whose parser keeps
almost anything); GstRtc.SessionDescription.new_from_string would refuse it
before the element sees it.
"""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_harness import (ELEMENT, GAPS_SKIPPED, GLib, GstRtc, Gst, Peer, PeerTestCase, main,  # noqa: E402
                          rtc_error_domain)

OPUS = 'application/x-rtp,media=audio,encoding-name=OPUS,payload=96,clock-rate=48000'

E = None
if GstRtc is not None:
    E = GstRtc.Error


def sections(text):
    """[session, media0, media1, ...] as lists of lines."""
    out = [[]]
    for line in text.replace('\r\n', '\n').split('\n'):
        if not line:
            continue
        if line.startswith('m='):
            out.append([])
        out[-1].append(line)
    return out


def join(secs):
    return '\r\n'.join(line for s in secs for line in s) + '\r\n'


def edit(where, fn):
    """A mutation applying `fn(lines) -> lines` to section `where`
    ('s' session, an int m-line index, or 'all' m-lines)."""
    def mutate(text):
        secs = sections(text)
        idx = range(1, len(secs)) if where == 'all' else [0] if where == 's' else [where + 1]
        for i in idx:
            if i < len(secs):
                secs[i] = fn(list(secs[i]))
        return join(secs)
    return mutate


def drop(prefix, where='all'):
    return edit(where, lambda ls: [x for x in ls if not x.startswith(prefix)])


def sub(pattern, repl, where='all'):
    return edit(where, lambda ls: [re.sub(pattern, repl, x) for x in ls])


def add(line, where='all', after='m='):
    def fn(ls):
        for i, x in enumerate(ls):
            if x.startswith(after):
                return ls[:i + 1] + [line] + ls[i + 1:]
        return ls + [line]
    return edit(where, fn)


def whole(fn):
    return fn


# Content mutations of a remote description (offer or answer) that W3C /
# RFC 8829 reject as invalid: INVALID_ACCESS.
INVALID_CONTENT = [
    ('no ice-ufrag anywhere', drop('a=ice-ufrag')),
    ('no ice-ufrag on the audio m-line', drop('a=ice-ufrag', 0)),
    ('no ice-pwd anywhere', drop('a=ice-pwd')),
    ('no ice-pwd on the audio m-line', drop('a=ice-pwd', 0)),
    ('no fingerprint anywhere', drop('a=fingerprint')),
    ('no fingerprint on the audio m-line', drop('a=fingerprint', 0)),
    ('no setup anywhere', drop('a=setup')),
    ('no setup on the audio m-line', drop('a=setup', 0)),
    ('setup holdconn', sub(r'^a=setup:\w+', 'a=setup:holdconn')),
    ('no rtcp-mux', drop('a=rtcp-mux', 0)),
    ('no sctp-port', drop('a=sctp-port', 1)),
    ('BUNDLE names a mid nobody has', sub(r'^a=group:BUNDLE .*', 'a=group:BUNDLE 0 1 zz', 's')),
    ('mid in two BUNDLE groups', add('a=group:BUNDLE 0', 's', after='t=')),
    ('no mid while bundled', drop('a=mid', 0)),
    ('rtx without apt', whole(lambda t: sub(r'^(m=audio \S+ \S+ .*)$', r'\1 120', 0)(
        add('a=rtpmap:120 rtx/48000', 0, after='a=rtpmap:')(t)))),
    ('rtx apt to an absent payload type', whole(lambda t: sub(r'^(m=audio \S+ \S+ .*)$', r'\1 120', 0)(
        add('a=fmtp:120 apt=55', 0, after='a=rtpmap:')(add('a=rtpmap:120 rtx/48000', 0, after='a=rtpmap:')(t))))),
]

# Unparsable descriptions: SYNTAX (the message names the SDP line).
SYNTAX = [
    ('version 1', sub(r'^v=0', 'v=1', 's')),
    ('origin with 3 fields', sub(r'^o=.*', 'o=- 1 1', 's')),
    ('origin session id not a number', sub(r'^o=(\S+) \S+', r'o=\1 abc', 's')),
    ('origin version not a number', sub(r'^o=(\S+) (\S+) \S+', r'o=\1 \2 v2', 's')),
    ('connection with 2 fields', sub(r'^c=.*', 'c=IN IP4', 0)),
    ('two m-lines with one mid', sub(r'^a=mid:.*', 'a=mid:same')),
    ('sctp-port out of range', sub(r'^a=sctp-port:.*', 'a=sctp-port:70000', 1)),
    ('m-line with 2 fields', sub(r'^m=audio .*', 'm=audio 9', 0)),
    ('ssrc not a number', add('a=ssrc:abc cname:x', 0)),
    ('rtcp-fb payload type not a number', add('a=rtcp-fb:xx nack', 0, after='a=rtpmap:')),
    ('fmtp for a payload type not in the m-line', add('a=fmtp:121 x=1', 0, after='a=rtpmap:')),
    ('m-line port out of range', sub(r'^m=audio \S+', 'm=audio 70000', 0)),
    ('payload type 300', sub(r'^(m=audio \S+ \S+) (\S+)', r'\1 300', 0)),
    ('duplicate payload type', sub(r'^(m=audio \S+ \S+) (\S+)', r'\1 \2 \2', 0)),
    ('rtpmap for a payload type not in the m-line', add('a=rtpmap:121 opus/48000/2', 0)),
    ('rtpmap payload type not a number', add('a=rtpmap:xx opus/48000/2', 0)),
    ('sctp-port not a number', sub(r'^a=sctp-port:.*', 'a=sctp-port:http', 1)),
    ('duplicate setup', add('a=setup:active', 0)),
    ('duplicate direction', add('a=recvonly', 0)),
    ('direction in a bad place: a=sendrecv:x', add('a=sendrecv:x', 0)),
    ('k= line', add('k=clear:secret', 0, after='c=')),
    ('extmap without URI', add('a=extmap:9', 0)),
    ('extmap id not a number', add('a=extmap:x urn:ietf:params:rtp-hdrext:sdes:mid', 0)),
    ('ice-ufrag of 3 characters', sub(r'^a=ice-ufrag:.*', 'a=ice-ufrag:abc')),
    ('ice-ufrag of 300 characters', sub(r'^a=ice-ufrag:.*', 'a=ice-ufrag:' + 'u' * 300)),
    ('ice-pwd of 10 characters', sub(r'^a=ice-pwd:.*', 'a=ice-pwd:0123456789')),
    ('ice-ufrag empty', sub(r'^a=ice-ufrag:.*', 'a=ice-ufrag:')),
    ('fingerprint not hex', sub(r'^(a=fingerprint:\S+) .*', r'\1 zz:zz:zz')),
    ('fingerprint without value', sub(r'^(a=fingerprint:\S+) .*', r'\1')),
    ('fingerprint single hex digits', sub(r'^(a=fingerprint:\S+) .*', r'\1 1:2:3:4')),
    ('setup value bogus', sub(r'^a=setup:.*', 'a=setup:sideways')),
    ('candidate garbage in the SDP', add('a=candidate:garbage', 0)),
    ('candidate with port 99999 in the SDP', add('a=candidate:1 1 udp 2122260223 127.0.0.1 99999 typ host', 0)),
    ('rtcp-mux with a value', sub(r'^a=rtcp-mux$', 'a=rtcp-mux:yes', 0)),
    ('ice-options empty', sub(r'^a=ice-options:.*', 'a=ice-options:', 0)),
    ('max-message-size not a number', sub(r'^a=max-message-size:.*', 'a=max-message-size:big', 1)),
    ('attribute name with a space', add('a=bad name:1', 0)),
]

# Trickled candidates that do not parse: SYNTAX.
BAD_CANDIDATES = [
    'candidate:garbage',
    'garbage',
    'candidate:1 1 udp',
    'candidate:1 1 udp 2122260223 127.0.0.1',
    'candidate:1 1 udp 2122260223 127.0.0.1 5000',
    'candidate:1 1 udp 2122260223 127.0.0.1 5000 typ',
    'candidate:1 1 udp 2122260223 127.0.0.1 5000 typ bogus',
    'candidate:1 1 udp 2122260223 127.0.0.1 99999 typ host',
    'candidate:1 1 udp 2122260223 127.0.0.1 -1 typ host',
    'candidate:1 1 udp 2122260223 300.1.1.1 5000 typ host',
    'candidate:1 1 udp 2122260223 1.2.3 5000 typ host',
    'candidate:1 1 udp notanumber 127.0.0.1 5000 typ host',
    'candidate:1 1 udp 99999999999 127.0.0.1 5000 typ host',
    'candidate:1 x udp 2122260223 127.0.0.1 5000 typ host',
    'candidate:1 0 udp 2122260223 127.0.0.1 5000 typ host',
    'candidate:1 300 udp 2122260223 127.0.0.1 5000 typ host',
    'candidate:1 1 udp 2122260223 127.0.0.1 5000 host',
    'candidate:1 1 udp 2122260223 ::::1 5000 typ host',
    'candidate:1 1 udp 2122260223 -bad-.example 5000 typ host',
    'candidate:1 1 tcp 2122260223 127.0.0.1 5000 typ host tcptype sideways',
    'candidate:1 1 udp 2122260223 127.0.0.1 5000 typ srflx raddr',
    'candidate: 1 udp 2122260223 127.0.0.1 5000 typ host',
]
GOOD_CANDIDATE = 'candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host'


# What rtcpeerbin does against the contract today: (case name prefix,
# exact failure). These cases stay in the table and are not checked (each is
# printed) until the element is fixed; remove the entry then.
KNOWN_GAPS = [
]


def known_gap(name):
    if not GAPS_SKIPPED:
        return None
    for prefix, why in KNOWN_GAPS:
        if name.startswith(prefix) and not name.startswith(prefix + '0 '):
            return why
    return None


def skip_unless_rtc():
    return unittest.skipIf(GstRtc is None or ELEMENT != 'rtcpeerbin',
                           'GstRtc error codes: rtcpeerbin only')


@skip_unless_rtc()
class BadCalls(PeerTestCase):
    DEADLINE = 55.0

    def setUp(self):
        super().setUp()
        self.pipeline = Gst.Pipeline.new(None)
        self.pipeline.set_state(Gst.State.PLAYING)
        self.n = 0
        self.rebuild()

    def tearDown(self):
        for p in list(self.__dict__.get('all_peers', [])):
            try:
                p.close()
            except Exception:
                pass
        self.pipeline.set_state(Gst.State.NULL)
        super().tearDown()

    def peer(self):
        self.n += 1
        p = Peer(ELEMENT, f'p{self.n}')
        self.pipeline.add(p.el)
        p.el.sync_state_with_parent()
        self.__dict__.setdefault('all_peers', []).append(p)
        return p

    def rebuild(self):
        """Fresh fixtures: `stable` (new), `offerer` (have-local-offer with
        audio + data), `answerer` (have-remote-offer of that offer), `closed`,
        and the matching valid offer/answer texts."""
        self.stable = self.peer()
        o = self.offerer = self.peer()
        o.add_transceiver('sendrecv', OPUS)
        o.create_data_channel('dc')
        _, self.offer = o.create('offer')
        o.set_local('offer', self.offer)
        r = self.answerer = self.peer()
        r.set_remote('offer', self.offer)
        _, self.answer = r.create('answer')
        self.closed = self.peer()
        self.closed.close()

    def fixture_state(self, name):
        return {'stable': 'stable', 'offerer': 'have-local-offer', 'answerer': 'have-remote-offer',
                'closed': 'closed'}[name]

    def cases(self):
        """(name, fixture, call(peer) -> Reply, expected code)."""
        cs = []
        for name, m in INVALID_CONTENT:
            cs.append((f'remote offer: {name}', 'stable',
                       lambda p, m=m: p.call('set-remote-description', p.raw_description('offer', m(self.offer))),
                       E.INVALID_ACCESS))
            cs.append((f'remote answer: {name}', 'offerer',
                       lambda p, m=m: p.call('set-remote-description', p.raw_description('answer', m(self.answer))),
                       E.INVALID_ACCESS))
            cs.append((f'remote pranswer: {name}', 'offerer',
                       lambda p, m=m: p.call('set-remote-description',
                                             p.raw_description('pranswer', m(self.answer))),
                       E.INVALID_ACCESS))
        for name, m in SYNTAX:
            cs.append((f'remote offer syntax: {name}', 'stable',
                       lambda p, m=m: p.call('set-remote-description', p.raw_description('offer', m(self.offer))),
                       E.SYNTAX))
            cs.append((f'remote answer syntax: {name}', 'offerer',
                       lambda p, m=m: p.call('set-remote-description', p.raw_description('answer', m(self.answer))),
                       E.SYNTAX))
        # Answers that do not fit the offer: INVALID_ACCESS.
        answer_vs_offer = [
            ('answer drops an m-line', lambda a: join(sections(a)[:2])),
            ('answer swaps the m-lines', lambda a: join([sections(a)[0], sections(a)[2], sections(a)[1]])),
            ('answer changes a mid', sub(r'^a=mid:0$', 'a=mid:7', 0)),
            ('answer with setup actpass', sub(r'^a=setup:\w+', 'a=setup:actpass')),
            ('answer with a payload type never offered',
             whole(lambda t: sub(r'^(m=audio \S+ \S+ .*)$', r'\1 111', 0)(
                 add('a=rtpmap:111 G722/8000', 0, after='a=rtpmap:')(t)))),
            ('answer with rtcp-fb never offered', add('a=rtcp-fb:96 goog-remb-bogus', 0, after='a=rtpmap:')),
            ('answer changes media type', sub(r'^m=audio', 'm=video', 0)),
            ('answer changes proto', sub(r'^(m=audio \S+) \S+', r'\1 RTP/AVP', 0)),
        ]
        for name, m in answer_vs_offer:
            cs.append((f'remote answer: {name}', 'offerer',
                       lambda p, m=m: p.call('set-remote-description', p.raw_description('answer', m(self.answer))),
                       E.INVALID_ACCESS))
        # Descriptions in the wrong signaling state: INVALID_STATE.
        st = [
            ('answer in stable', 'stable', lambda p: self.set_remote(p, 'answer', self.answer)),
            ('pranswer in stable', 'stable', lambda p: self.set_remote(p, 'pranswer', self.answer)),
            ('remote rollback in stable', 'stable', lambda p: self.set_remote(p, 'rollback', '')),
            ('local rollback in stable', 'stable', lambda p: self.set_local(p, 'rollback', '')),
            ('local answer in stable', 'stable', lambda p: self.set_local(p, 'answer', self.answer)),
            ('local pranswer in stable', 'stable', lambda p: self.set_local(p, 'pranswer', self.answer)),
            ('create-answer in stable', 'stable', lambda p: p.call('create-answer', None)),
            ('local answer in have-local-offer', 'offerer', lambda p: self.set_local(p, 'answer', self.answer)),
            ('create-answer in have-local-offer', 'offerer', lambda p: p.call('create-answer', None)),
            ('remote answer in have-remote-offer', 'answerer', lambda p: self.set_remote(p, 'answer', self.answer)),
            ('remote pranswer in have-remote-offer', 'answerer',
             lambda p: self.set_remote(p, 'pranswer', self.answer)),
            ('create-offer in have-remote-offer', 'answerer', lambda p: p.call('create-offer', None)),
            ('local offer in have-remote-offer', 'answerer', lambda p: self.set_local(p, 'offer', self.offer)),
        ]
        for name, fx, fn in st:
            cs.append((name, fx, fn, E.INVALID_STATE))
        # Candidates before any remote description: INVALID_STATE.
        for i, c in enumerate([GOOD_CANDIDATE] + BAD_CANDIDATES[:5]):
            for fx in ('stable', 'offerer'):
                cs.append((f'add-ice-candidate before a remote description #{i} ({fx})', fx,
                           lambda p, c=c: p.add_ice_candidate(0, c, wait=True), E.INVALID_STATE))
        # Candidates that do not parse: OPERATION (W3C addIceCandidate: a
        # candidate that cannot be parsed or applied rejects with
        # OperationError; the remote description is set).
        for c in BAD_CANDIDATES:
            for mline in (0, 1):
                cs.append((f'add-ice-candidate m-line {mline} "{c}"', 'answerer',
                           lambda p, c=c, ml=mline: p.add_ice_candidate(ml, c, wait=True), E.OPERATION))
        # Candidates for no m-line / another ICE session: OPERATION.
        for mline in (2, 7, 1000):
            cs.append((f'add-ice-candidate for m-line {mline} (out of range)', 'answerer',
                       lambda p, ml=mline: p.add_ice_candidate(ml, GOOD_CANDIDATE, wait=True), E.OPERATION))
        cs.append(('add-ice-candidate with a foreign ufrag', 'answerer',
                   lambda p: p.add_ice_candidate(0, GOOD_CANDIDATE + ' generation 0 ufrag notours', wait=True),
                   E.OPERATION))
        # Local descriptions that are not what create-offer/answer made:
        # INVALID_MODIFICATION.
        mod = [
            ('local offer with an m-line removed', 'offerer',
             lambda p: self.set_local_raw(p, 'offer', join(sections(self.offer)[:2]))),
            ('local offer with a mid changed', 'offerer',
             lambda p: self.set_local_raw(p, 'offer', sub(r'^a=mid:0$', 'a=mid:9', 0)(self.offer))),
            ('local offer with the m-lines swapped', 'offerer',
             lambda p: self.set_local_raw(p, 'offer', join([sections(self.offer)[0], sections(self.offer)[2],
                                                            sections(self.offer)[1]]))),
            ('local offer nobody created (fresh peer)', 'stable',
             lambda p: self.set_local_raw(p, 'offer', self.offer)),
            ('local answer with an m-line removed', 'answerer',
             lambda p: self.set_local_raw(p, 'answer', join(sections(self.answer)[:2]))),
            ('local answer with a proto changed', 'answerer',
             lambda p: self.set_local_raw(p, 'answer', sub(r'^(m=audio \S+) \S+', r'\1 RTP/AVP', 0)(self.answer))),
        ]
        for name, fx, fn in mod:
            cs.append((name, fx, fn, E.INVALID_MODIFICATION))
        # Everything on a closed connection: INVALID_STATE.
        closed = [
            ('create-offer', lambda p: p.call('create-offer', None)),
            ('create-answer', lambda p: p.call('create-answer', None)),
            ('set-local offer', lambda p: self.set_local_raw(p, 'offer', self.offer)),
            ('set-local NULL (implicit)', lambda p: p.call('set-local-description', None)),
            ('set-local rollback', lambda p: self.set_local(p, 'rollback', '')),
            ('set-remote offer', lambda p: self.set_remote(p, 'offer', self.offer)),
            ('set-remote answer', lambda p: self.set_remote(p, 'answer', self.answer)),
            ('set-remote rollback', lambda p: self.set_remote(p, 'rollback', '')),
            ('add-ice-candidate', lambda p: p.add_ice_candidate(0, GOOD_CANDIDATE, wait=True)),
            ('add-ice-candidate end-of-candidates', lambda p: p.add_ice_candidate(0, None, wait=True)),
            ('create-offer ice-restart', lambda p: p.call(
                'create-offer', Gst.Structure.new_from_string('o, ice-restart=(boolean)true'))),
            ('set-remote garbage', lambda p: p.call('set-remote-description', p.raw_description('offer', 'x'))),
        ]
        for name, fn in closed:
            cs.append((f'after close: {name}', 'closed', fn, E.INVALID_STATE))
        return cs

    def set_remote(self, p, t, text):
        return p.call('set-remote-description', p.description(t, text))

    def set_local(self, p, t, text):
        return p.call('set-local-description', p.description(t, text))

    def set_local_raw(self, p, t, text):
        return p.call('set-local-description', p.raw_description(t, text))

    def test_bad_calls(self):
        domain = rtc_error_domain()
        cases = self.cases()
        self.assertGreaterEqual(len(cases), 200, 'the table shrank')
        gaps = [c for c in cases if known_gap(c[0])]
        cases = [c for c in cases if not known_gap(c[0])]
        for name, *_ in gaps:
            print(f'known gap, not checked: {name}: {known_gap(name)}', file=sys.stderr)
        self.assertGreaterEqual(len(cases), 200, 'fewer than 200 calls checked')
        wrong = []
        for name, fx, fn, code in cases:
            p = getattr(self, fx)
            before = p.state('signaling-state')
            try:
                r = fn(p)
            except GLib.Error as e:  # description construction refused: a test bug
                wrong.append(f'{name}: raised {e.message}')
                continue
            except AssertionError as e:  # no reply in time: a hang
                wrong.append(f'{name}: {e}')
                self.rebuild()
                continue
            err = r.error
            if err is None:
                wrong.append(f'{name}: succeeded, expected {code.value_nick}')
            elif err.domain != domain or err.code != int(code):
                got = GstRtc.Error(err.code).value_nick if err.domain == domain else err.domain
                wrong.append(f'{name}: got {got} ({err.message}), expected {code.value_nick}')
            elif not err.message:
                wrong.append(f'{name}: error without a message')
            elif code == E.SYNTAX and not re.search(r'\bline \d+', err.message):
                # API.md: SYNTAX names the SDP line.
                wrong.append(f'{name}: SYNTAX message names no line: {err.message}')
            after = p.state('signaling-state')
            if after != before:
                wrong.append(f'{name}: signaling-state changed {before} -> {after}')
                self.rebuild()
        self.assertEqual(wrong, [], f'{len(wrong)} of {len(cases)} calls misbehaved:\n' + '\n'.join(wrong))
        # The peers that took all that still work: the answerer answers.
        r = self.answerer
        _, answer = r.create('answer')
        r.set_local('answer', answer)
        self.offerer.set_remote('answer', answer)
        self.assertEqual(r.state('signaling-state'), 'stable')
        self.assertEqual(self.offerer.state('signaling-state'), 'stable')
        # And the fresh peer that refused ~100 offers takes a good one.
        self.stable.set_remote('offer', self.offer)
        self.assertEqual(self.stable.state('signaling-state'), 'have-remote-offer')


if __name__ == '__main__':
    main()
