"""Congestion control between two rtcpeerbins over a rate-limited link.

The test runs in a private network namespace holding only lo (meson wraps
it in run-in-netns.sh) and limits lo with a token bucket (tc tbf 600 kbit/s,
100 ms of queue): both peers' traffic, the DTLS handshake included, goes
through it. The sender's vp8enc asks for 2 Mbit/s; rtcpeerbin's send-side
estimate from the receiver's transport-cc feedback must bring the encoder
under the link, so that video keeps being decoded with little loss.
Skipped outside such a namespace or without tc's tbf.
"""
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_harness import SLOW, main, stat_type, wait_until  # noqa: E402
import test_peer_media as tpm  # noqa: E402

LINK_KBIT = 600
SOURCE = ('videotestsrc is-live=true pattern=zone-plate kx2=20 ky2=20 kt=1 ! '
          'video/x-raw,width=320,height=240,framerate=30/1 ! '
          'vp8enc name=enc deadline=1 target-bitrate=2000000 keyframe-max-dist=60 ! rtpvp8pay pt=96')


def only_loopback():
    return [name for _, name in socket.if_nameindex()] == ['lo']


class Congestion(tpm.Media):
    # Only this module's own test (not the peer-media ones it inherits from).
    def setUp(self):
        super().setUp()
        self.rtcpeerbin_only('rtcpeerbin\'s bandwidth estimation')
        if not only_loopback():
            self.skipTest('needs a loopback-only network namespace (run-in-netns.sh) to limit lo in')
        tbf = ['tc', 'qdisc', 'add', 'dev', 'lo', 'root', 'tbf', 'rate', f'{LINK_KBIT}kbit', 'burst', '15kb',
               'latency', '100ms']
        r = subprocess.run(tbf, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            self.skipTest(f'cannot limit lo with tc tbf: {r.stderr.strip()}')
        self.addCleanup(subprocess.run, ['tc', 'qdisc', 'del', 'dev', 'lo', 'root'],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def test_encoder_follows_the_estimate(self):
        pr = self.pair(**self.PAIR)
        rx = tpm.Receiver(pr, pr.b)
        pad = tpm.add_source(pr, pr.a, SOURCE)
        self.transceiver_of(pad)
        enc = pad.get_peer().get_parent_element().get_by_name('enc')
        pr.negotiate('a')
        pr.wait_connected()
        wait_until(lambda: rx.frames['video'] >= 5, timeout=10 * SLOW, what='video flowing over the slow link')
        wait_until(lambda: enc.get_property('target-bitrate') < LINK_KBIT * 1000, timeout=15 * SLOW,
                   what=f'vp8enc capped under the link\'s {LINK_KBIT} kbit/s '
                        f'(target-bitrate {enc.get_property("target-bitrate")})')

        def outbound():
            stats = pr.a.stats().values()
            sent = sum(s.get_uint64('bytes-sent')[1] for s in stats if stat_type(s) == 'outbound-rtp')
            pairs = [s for s in stats if stat_type(s) == 'candidate-pair' and s.has_field('available-outgoing-bitrate')]
            return sent, (pairs[0].get_value('available-outgoing-bitrate') if pairs else None)

        def inbound():
            ins = [s for s in pr.b.stats().values() if stat_type(s) == 'inbound-rtp']
            return (sum(int(s.get_value('packets-received')) for s in ins),
                    sum(int(s.get_value('packets-lost')) if s.has_field('packets-lost') else 0 for s in ins))

        time.sleep(2.0 * SLOW)  # the first overshoot drains
        sent0, _ = outbound()
        received0, lost0 = inbound()
        frames0, start = rx.frames['video'], time.monotonic()
        time.sleep(4.0)
        sent1, estimate = outbound()
        received1, lost1 = inbound()
        seconds = time.monotonic() - start
        kbits = (sent1 - sent0) * 8 / seconds / 1000
        self.assertIsNotNone(estimate, 'no available-outgoing-bitrate in the candidate pair stats')
        self.assertLess(estimate, LINK_KBIT * 1000 * 1.2, f'estimate {estimate:.0f} bit/s over the link')
        self.assertGreater(estimate, LINK_KBIT * 1000 * 0.25, f'estimate {estimate:.0f} bit/s far under the link')
        self.assertLess(kbits, LINK_KBIT, f'sent {kbits:.0f} kbit/s into a {LINK_KBIT} kbit/s link')
        received, lost = received1 - received0, lost1 - lost0
        self.assertLess(lost, 0.05 * (received + lost) + 2, f'{lost} of {received + lost} packets lost once settled')
        self.assertGreater(rx.frames['video'] - frames0, 5 * seconds, 'video stalled under the estimate')


    def test_simulcast_layer_paused_when_the_link_cannot_carry_it(self):
        """Two simulcast layers, 150 kbit/s and 1.5 Mbit/s, into the 600
        kbit/s link: the estimate carries the low one, so the high one is
        paused (its packets stop) while the low one keeps being decoded.
        The application's `active` stays true."""
        pr = self.pair(**self.PAIR)
        layers = tpm.LayerReceiver(pr, pr.b)
        transceiver = None
        for rid, (w, h), bps in (('l', (160, 120), 150000), ('h', (320, 240), 1500000)):
            sink = tpm.add_layer(pr, pr.a, rid, 'videotestsrc is-live=true pattern=zone-plate kx2=20 ky2=20 kt=1 ! '
                                 f'video/x-raw,width={w},height={h},framerate=30/1 ! '
                                 f'vp8enc deadline=1 target-bitrate={bps} keyframe-max-dist=60 ! rtpvp8pay pt=96')
            transceiver = self.transceiver_of(sink)
        pr.negotiate('a')
        pr.wait_connected()
        wait_until(lambda: layers.frames('l') >= 5, timeout=10 * SLOW, what=f'the low layer decoded ({layers.decoded})')

        def packets():
            out = [s for s in pr.a.stats().values() if stat_type(s) == 'outbound-rtp']
            return {s.get_string('rid'): s.get_uint64('packets-sent')[1] for s in out}

        def high_stopped():
            before = packets().get('h', 0)
            time.sleep(1.0)
            return packets().get('h', 0) - before < 5

        wait_until(high_stopped, timeout=20 * SLOW, interval=0.1, what=f'the high layer paused ({packets()})')
        low_frames, start = layers.frames('l'), time.monotonic()
        time.sleep(2.0)
        self.assertGreater(layers.frames('l') - low_frames, 5 * (time.monotonic() - start),
                           f'the low layer stalled while the high one was paused ({layers.decoded})')
        params = transceiver.get_property('sender').get_property('parameters').to_string()
        self.assertNotIn('active=(boolean)false', params, 'the application\'s active was changed')


# The peer-media tests this module inherits are run by peer-media itself.
for _name in [n for n in dir(tpm.Media) if n.startswith('test_')]:
    setattr(Congestion, _name, None)

if __name__ == '__main__':
    main()
