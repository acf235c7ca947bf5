#!/usr/bin/python3
"""Two hosts behind two NATs connect through our ICE transport.

Network namespaces made here and removed at the end (all addresses exist
only inside them):

    A 198.18.1.2 --- RA (MASQUERADE) 198.19.0.2 --+
                                                  +-- W 198.19.0.1 (coturn STUN)
    B 198.18.2.2 --- RB (MASQUERADE) 198.19.0.3 --+

Each host runs this script with --peer in its namespace: a GstRtcNiceTransport
(via rtcicesrc/rtcicesink) with stun-server=stun:198.19.0.1. The host
candidates cannot reach each other (different LANs, no routes), so a working
connection must use server-reflexive / peer-reflexive candidates through the
NATs. Datagrams go both ways and arrive intact.

Needs root, `ip netns`, iptables and coturn's turnserver; otherwise the test
is skipped and says why.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest


def peer(controlling):
    import gi
    gi.require_version('Gst', '1.0')
    gi.require_version('GstRtc', '1.0')
    from gi.repository import GLib, Gst, GstRtc
    Gst.init(None)
    out = sys.stdout

    def say(obj):
        out.write(json.dumps(obj) + '\n')
        out.flush()

    src = Gst.ElementFactory.make('rtcicesrc', None)
    sink = Gst.ElementFactory.make('rtcicesink', None)
    if not src or not sink:
        say({'error': 'rtcice plugin not found'})
        return 1
    ice = src.get_property('transport')
    sink.set_property('transport', ice)
    local = os.environ['NAT_PEER_ADDRESS']
    ice.set_property('local-addresses', [local])
    ice.set_property('ice-tcp', False)
    ice.set_property('controlling', controlling)
    ice.set_property('stun-server', 'stun:198.19.0.1:3478')

    candidates = []
    done = {'gathered': False}

    def on_candidate(_t, cand):
        if cand is None:
            done['gathered'] = True
        else:
            candidates.append(cand)

    ice.connect('on-new-candidate', on_candidate)
    received = []
    pipe_rx = Gst.Pipeline.new('rx')
    appsink = Gst.ElementFactory.make('appsink', None)
    appsink.set_property('emit-signals', True)
    appsink.set_property('sync', False)

    def on_sample(s):
        b = s.emit('pull-sample').get_buffer()
        received.append(b.extract_dup(0, b.get_size()))
        return Gst.FlowReturn.OK

    appsink.connect('new-sample', on_sample)
    pipe_rx.add(src)
    pipe_rx.add(appsink)
    src.link(appsink)
    pipe_tx = Gst.Pipeline.new('tx')
    appsrc = Gst.ElementFactory.make('appsrc', None)
    appsrc.set_property('format', Gst.Format.TIME)
    pipe_tx.add(appsrc)
    pipe_tx.add(sink)
    appsrc.link(sink)
    pipe_rx.set_state(Gst.State.PLAYING)
    pipe_tx.set_state(Gst.State.PLAYING)

    ctx = GLib.MainContext.default()

    def wait(pred, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if pred():
                return True
            ctx.iteration(False)
            time.sleep(0.01)
        return pred()

    if not wait(lambda: done['gathered'], 15):
        say({'error': 'gathering did not complete'})
        return 1
    say({'ufrag': ice.get_property('local-ufrag'), 'pwd': ice.get_property('local-pwd'),
         'candidates': candidates})
    remote = json.loads(sys.stdin.readline())
    ice.set_remote_credentials(remote['ufrag'], remote['pwd'])
    for c in remote['candidates']:
        ice.add_remote_candidate(c)
    ice.add_remote_candidate(None)
    up = (GstRtc.IceTransportState.CONNECTED, GstRtc.IceTransportState.COMPLETED)
    if not wait(lambda: ice.get_property('state') in up, 20):
        say({'error': 'not connected: %s' % ice.get_property('state').value_nick, 'candidates': candidates})
        return 1
    pair = ice.get_property('selected-candidate-pair')
    tag = b'A' if controlling else b'B'
    for i in range(50):
        appsrc.emit('push-buffer', Gst.Buffer.new_wrapped(tag + i.to_bytes(4, 'big') + bytes(range(200))))
        wait(lambda: False, 0.01)
    wait(lambda: len(received) >= 50, 10)
    other = b'B' if controlling else b'A'
    intact = [d for d in received if d[:1] == other and d[5:] == bytes(range(200))]
    say({'pair': {'local': pair.get_string('local'), 'remote': pair.get_string('remote'),
                  'local-type': pair.get_string('local-type'), 'remote-type': pair.get_string('remote-type')},
         'received': len(intact), 'candidates': candidates})
    sys.stdin.readline()  # hold the transport until the other side is done
    pipe_tx.set_state(Gst.State.NULL)
    pipe_rx.set_state(Gst.State.NULL)
    return 0


def sh(*args, ns=None, check=True):
    cmd = (['ip', 'netns', 'exec', ns] if ns else []) + list(args)
    return subprocess.run(cmd, check=check, capture_output=True, text=True)


def run_nat_test():
    if os.geteuid() != 0:
        raise unittest.SkipTest('needs root for network namespaces')
    for tool in ('ip', 'iptables', 'turnserver'):
        if not shutil.which(tool):
            raise unittest.SkipTest('%s not installed (Debian: iproute2, iptables, coturn)' % tool)
    tag = 'gr%d' % os.getpid()
    names = {n: '%s-%s' % (tag, n) for n in ('a', 'ra', 'w', 'rb', 'b')}
    made = []
    procs = []
    tmp = tempfile.mkdtemp(prefix='gst-rtc-nat-')
    try:
        for n in names.values():
            if sh('ip', 'netns', 'add', n, check=False).returncode != 0:
                raise unittest.SkipTest('ip netns add failed (no permission for network namespaces)')
            made.append(n)
            sh('ip', 'link', 'set', 'lo', 'up', ns=n)
        A, RA, W, RB, B = (names[k] for k in ('a', 'ra', 'w', 'rb', 'b'))

        def link(ns1, if1, ns2, if2):
            sh('ip', 'link', 'add', if1, 'netns', ns1, 'type', 'veth', 'peer', 'name', if2, 'netns', ns2)

        link(A, 'eth0', RA, 'lan')
        link(B, 'eth0', RB, 'lan')
        link(RA, 'wan', W, 'pa')
        link(RB, 'wan', W, 'pb')
        sh('ip', 'link', 'add', 'br0', 'type', 'bridge', ns=W)
        for i in ('pa', 'pb', 'br0'):
            if i != 'br0':
                sh('ip', 'link', 'set', i, 'master', 'br0', ns=W)
            sh('ip', 'link', 'set', i, 'up', ns=W)
        sh('ip', 'addr', 'add', '198.19.0.1/24', 'dev', 'br0', ns=W)
        for host, router, lan, gw, wan in ((A, RA, '198.18.1.2/24', '198.18.1.1', '198.19.0.2/24'),
                                           (B, RB, '198.18.2.2/24', '198.18.2.1', '198.19.0.3/24')):
            sh('ip', 'addr', 'add', lan, 'dev', 'eth0', ns=host)
            sh('ip', 'link', 'set', 'eth0', 'up', ns=host)
            sh('ip', 'route', 'add', 'default', 'via', gw, ns=host)
            sh('ip', 'addr', 'add', gw + '/24', 'dev', 'lan', ns=router)
            sh('ip', 'addr', 'add', wan, 'dev', 'wan', ns=router)
            for i in ('lan', 'wan'):
                sh('ip', 'link', 'set', i, 'up', ns=router)
            sh('sysctl', '-q', '-w', 'net.ipv4.ip_forward=1', ns=router)
            r = sh('iptables', '-t', 'nat', '-A', 'POSTROUTING', '-o', 'wan', '-j', 'MASQUERADE', ns=router,
                   check=False)
            if r.returncode != 0:
                raise unittest.SkipTest('iptables cannot NAT here: %s' % r.stderr.strip())
            # Like a home router, drop what is addressed to the router itself
            # from outside: an unanswered check must not leave a conntrack
            # entry that makes MASQUERADE change the host's port later.
            sh('iptables', '-A', 'INPUT', '-i', 'wan', '-p', 'udp', '-j', 'DROP', ns=router)

        turn = subprocess.Popen(['ip', 'netns', 'exec', W, 'turnserver', '-n', '--no-cli', '--stun-only',
                                 '--listening-ip=198.19.0.1', '--listening-port=3478', '--no-tls', '--no-dtls',
                                 '--log-file=' + os.path.join(tmp, 'turn.log'), '--no-stdout-log',
                                 '--pidfile=' + os.path.join(tmp, 'turn.pid'),
                                 '--userdb=' + os.path.join(tmp, 'turndb')],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(turn)
        time.sleep(0.5)

        peers = {}
        for name, ns, addr, controlling in (('A', A, '198.18.1.2', True), ('B', B, '198.18.2.2', False)):
            env = dict(os.environ, NAT_PEER_ADDRESS=addr)
            p = subprocess.Popen(['ip', 'netns', 'exec', ns, sys.executable, os.path.abspath(__file__), '--peer',
                                  'controlling' if controlling else 'controlled'],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
            procs.append(p)
            peers[name] = p
        offers = {n: json.loads(p.stdout.readline() or '{"error": "peer died"}') for n, p in peers.items()}
        for n, o in offers.items():
            assert 'error' not in o, '%s: %s' % (n, o)
            srflx = [c for c in o['candidates'] if ' typ srflx ' in c]
            assert srflx, '%s gathered no server-reflexive candidate: %s' % (n, o['candidates'])
            print('%s candidates: %s' % (n, o['candidates']))
        peers['A'].stdin.write(json.dumps(offers['B']) + '\n')
        peers['B'].stdin.write(json.dumps(offers['A']) + '\n')
        for p in peers.values():
            p.stdin.flush()
        results = {n: json.loads(p.stdout.readline() or '{"error": "peer died"}') for n, p in peers.items()}
        for p in peers.values():
            p.stdin.write('\n')
            p.stdin.flush()
        for n, r in results.items():
            print('%s: %s' % (n, r))
            assert 'error' not in r, '%s: %s' % (n, r)
            types = (r['pair']['local-type'], r['pair']['remote-type'])
            assert types != ('host', 'host'), '%s connected host to host across NATs?' % n
            assert any(t in ('srflx', 'prflx', 'relay') for t in types), types
            assert r['received'] == 50, '%s got %d of 50 datagrams intact' % (n, r['received'])
        for p in peers.values():
            p.wait(timeout=20)
            assert p.returncode == 0
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
            for f in (p.stdin, p.stdout):
                if f:
                    f.close()
        for n in made:
            subprocess.run(['ip', 'netns', 'del', n], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


class IceBehindNat(unittest.TestCase):
    def test_two_hosts_behind_nats_connect_via_reflexive_candidates(self):
        run_nat_test()


if __name__ == '__main__':
    if len(sys.argv) > 2 and sys.argv[1] == '--peer':
        sys.exit(peer(sys.argv[2] == 'controlling'))
    unittest.main(verbosity=2)
