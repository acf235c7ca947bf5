#!/usr/bin/python3
"""Transport security and policy between two peers in one process:

- a tampered a=fingerprint in the answer: the offerer's DTLS rejects the
  certificate, connection-state goes to failed and no data channel message
  crosses;
- relay-only ICE through a coturn `turnserver` started here on 127.0.0.1
  (long-term credentials): every candidate is a relay candidate and the
  selected pair in get-stats is relay to relay. Skips without coturn;
- certificates from generate-certificate (ECDSA, RSA) set as `certificate`:
  the SDP fingerprints are theirs and the handshake works; an unsupported
  algorithm is NOT_SUPPORTED.

Runs against rtcpeerbin (default) or GST_RTC_PEER_ELEMENT=webrtcbin.
"""
import base64
import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_harness import (ELEMENT, GObject, Gst, GstRtc, PeerTestCase, SLOW, TIMEOUT, main, nick, rtc_error_domain,  # noqa: E402
                          selected_pair, wait_until)

USER, PASS = 'gstrtc', 'turnsecret'


def tamper_fingerprint(sdp):
    """Flip the first hex digit of every a=fingerprint value."""
    def flip(m):
        value = m.group(2)
        first = value[0]
        repl = '0' if first != '0' else '1'
        return m.group(1) + repl + value[1:]
    out, n = re.subn(r'^(a=fingerprint:\S+ )(\S+)', flip, sdp, flags=re.M)
    assert n > 0, 'no a=fingerprint to tamper with'
    return out


class TamperedFingerprint(PeerTestCase):
    def test_tampered_answer_fingerprint_fails(self):
        pr = self.pair()
        a, b = pr.a, pr.b
        ch_a = a.create_data_channel('secret')
        _, offer = a.create('offer')
        a.set_local('offer', offer)
        b.set_remote('offer', offer)
        _, answer = b.create('answer')
        b.set_local('answer', answer)
        bad = tamper_fingerprint(answer)
        self.assertNotEqual(bad, answer)
        a.set_remote('answer', bad)
        a.wait_state('failed', timeout=TIMEOUT)
        self.assertNotIn('connected', a.history['connection-state'], 'connected with a wrong fingerprint')
        # The DTLS transport says why (W3C RTCDtlsTransport.state failed).
        if a.is_rtc:
            dtls = a.el.get_property('sctp-transport').get_property('transport')
            self.assertEqual(nick(dtls, 'state'), 'failed')
        self.assertNotEqual(ch_a.state, 'open')
        self.assertNotIn('open', ch_a.events)
        # Whatever b does, nothing reaches it: give it time to misbehave.
        time.sleep(0.5 * SLOW)
        for c in b.remote_channels:
            self.assertEqual(c.strings + c.datas, [], 'a message crossed an unauthenticated connection')
            self.assertNotEqual(c.state, 'open')
        self.assertNotEqual(b.state('connection-state'), 'connected')


def pem_fingerprint(pem):
    """sha-256 of the first certificate in `pem`, as SDP writes it."""
    m = re.search(r'-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----', pem, re.S)
    assert m, 'no certificate in the PEM'
    der = base64.b64decode(''.join(m.group(1).split()))
    return ':'.join(f'{x:02X}' for x in hashlib.sha256(der).digest())


def sdp_fingerprints(sdp):
    return {v.upper() for v in re.findall(r'^a=fingerprint:sha-256 (\S+)', sdp, re.M)}


@unittest.skipIf(ELEMENT != 'rtcpeerbin', 'generate-certificate / certificate: rtcpeerbin only')
class Certificates(PeerTestCase):
    def generate(self, peer, params):
        r = peer.call('generate-certificate', Gst.Structure.new_from_string(params))
        return r

    def test_generated_certificates_are_used(self):
        """generate-certificate gives a PEM (certificate + key); set as
        `certificate` it is what the SDP fingerprint and the DTLS handshake
        use, ECDSA on one side and RSA on the other."""
        pr = self.pair()
        a, b = pr.a, pr.b
        certs = {}
        for p, params in ((a, 'params, name=(string)ECDSA, named-curve=(string)P-256'),
                          (b, 'params, name=(string)RSASSA-PKCS1-v1_5, modulus-length=(int)2048')):
            r = self.generate(p, params)
            self.assertIsNone(r.error, f'generate-certificate({params}): {r.error and r.error.message}')
            pem = r.value('certificate')
            self.assertIn('-----BEGIN CERTIFICATE-----', pem)
            self.assertIn('PRIVATE KEY-----', pem)
            p.el.set_property('certificate', pem)
            certs[p.name] = pem
        ch = a.create_data_channel('signed')
        offer, answer = pr.negotiate('a')
        self.assertEqual(sdp_fingerprints(offer), {pem_fingerprint(certs['a'])}, 'the offer fingerprints our certificate')
        self.assertEqual(sdp_fingerprints(answer), {pem_fingerprint(certs['b'])}, 'the answer fingerprints theirs')
        pr.wait_connected()
        ch.wait_open()
        self.exchange(ch, b.remote_channel('signed'), 'with generated certificates')

    def test_unsupported_algorithm(self):
        pr = self.pair()
        r = self.generate(pr.a, 'params, name=(string)DSA, modulus-length=(int)1024')
        self.assertIsNotNone(r.error, 'generate-certificate accepted DSA')
        self.assertEqual(r.error.domain, rtc_error_domain())
        self.assertEqual(r.error.code, int(GstRtc.Error.NOT_SUPPORTED), r.error.message)


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class Coturn:
    """coturn on 127.0.0.1: UDP+TCP listener, long-term credentials, its own
    temporary directory; relays only to loopback peers."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix='gst-rtc-coturn-')
        self.port = free_port()
        relay_min = 52000 + (os.getpid() * 7) % 6000
        self.proc = subprocess.Popen(
            [shutil.which('turnserver'), '-n', '--no-cli', '--listening-ip=127.0.0.1', '--relay-ip=127.0.0.1',
             '--allow-loopback-peers', f'--listening-port={self.port}', f'--min-port={relay_min}',
             f'--max-port={relay_min + 200}', '--lt-cred-mech', f'--user={USER}:{PASS}',
             '--realm=gst-rtc.test', f'--userdb={self.dir}/turndb', f'--log-file={self.dir}/turn.log',
             f'--pidfile={self.dir}/turn.pid', '--no-stdout-log', '--simple-log', '--no-multicast-peers',
             '--no-rfc5780', '--no-tls', '--no-dtls', '--verbose'],
            cwd=self.dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(self._accepts, 5.0 * SLOW, 'turnserver to listen')

    def _accepts(self):
        try:
            with socket.create_connection(('127.0.0.1', self.port), timeout=0.2):
                return True
        except OSError:
            return False

    def log(self):
        text = ''
        for name in os.listdir(self.dir):
            if name.startswith('turn') and name.endswith('.log'):
                with open(os.path.join(self.dir, name), errors='replace') as f:
                    text += f.read()
        return text

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


@unittest.skipIf(shutil.which('turnserver') is None, 'coturn (turnserver) not installed')
class RelayOnly(PeerTestCase):
    def test_relay_only_through_coturn(self):
        turn = Coturn()
        self.addCleanup(turn.stop)
        uri = f'turn://{USER}:{PASS}@127.0.0.1:{turn.port}'
        props = {'ice-transport-policy': 'relay', 'turn-server': uri}
        pr = self.pair(props_a=props, props_b=dict(props))
        a, b = pr.a, pr.b
        ch_a = a.create_data_channel('relayed')
        pr.negotiate('a')
        try:
            pr.wait_connected(timeout=2 * TIMEOUT)
        except AssertionError as e:
            raise AssertionError(f'{e}\ncoturn log tail:\n{turn.log()[-3000:]}')
        ch_a.wait_open()
        ch_b = b.remote_channel('relayed')
        self.exchange(ch_a, ch_b, 'relayed a->b')
        self.exchange(ch_b, ch_a, 'relayed b->a')
        for p in (a, b):
            cands = [c for _, c in p.local_candidates if c]
            self.assertTrue(cands, f'{p.name} gathered nothing')
            for c in cands:
                self.assertIn(' typ relay', c, f'{p.name}: a non-relay candidate with policy relay: {c}')
        # The selected pair, as get-stats reports it: relay to relay.
        for p in (a, b):
            pair, local, remote = selected_pair(p.stats())
            self.assertIsNotNone(pair, f'{p.name}: no selected candidate-pair in get-stats')
            self.assertEqual(local.get_value('candidate-type'), 'relay', f'{p.name}: local side of the pair')
            self.assertEqual(remote.get_value('candidate-type'), 'relay', f'{p.name}: remote side of the pair')
        # And coturn saw the allocations.
        self.assertIn('ALLOCATE', turn.log().upper())


    def test_wrong_turn_credentials(self):
        """A TURN server refusing our credentials: on-ice-candidate-error
        with the server's 401, no candidate at all under relay policy, and
        gathering still completes."""
        turn = Coturn()
        self.addCleanup(turn.stop)
        pr = self.pair(props_a={'ice-transport-policy': 'relay',
                                'turn-server': f'turn://{USER}:wrong@127.0.0.1:{turn.port}'})
        a = pr.a
        if not GObject.signal_lookup('on-ice-candidate-error', a.el.__gtype__):
            self.skipTest('no on-ice-candidate-error signal')
        errors = []
        a.el.connect('on-ice-candidate-error', lambda el, s: errors.append(s.copy()))
        a.create_data_channel('d')
        _, offer = a.create('offer')
        a.set_local('offer', offer)
        a.wait_gathered(timeout=2 * TIMEOUT)
        self.assertEqual([c for _, c in a.local_candidates if c], [], 'candidates with relay policy and no relay')
        self.assertTrue(errors, 'no on-ice-candidate-error')
        e = errors[0]
        self.assertEqual(e.get_value('error-code'), 401, e.to_string())
        self.assertIn(f'127.0.0.1:{turn.port}', e.get_value('url'))
        self.assertTrue(e.get_value('error-text'))


if __name__ == '__main__':
    main()
