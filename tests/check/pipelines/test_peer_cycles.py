#!/usr/bin/python3
"""No leaked objects, threads or sockets after many create/connect/close
cycles of two peers in one process. Each cycle: two peers, a data channel,
offer/answer, connected, one message each way, close, pipeline to NULL.

GST_RTC_CYCLES (default 100) sets the count (100 take ~10 s, ~25 s with
ASan). The first cycle warms up the
process-wide singletons (GLib/GStreamer thread pools, OpenSSL, usrsctp);
after it, the thread and file-descriptor counts must come back to where
they were, and every element and data channel must be finalized (GObject
weak references), each cycle.
"""
import gc
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_harness import ELEMENT, SLOW, Pair, PeerTestCase, main, wait_until  # noqa: E402

CYCLES = int(os.environ.get('GST_RTC_CYCLES', '100'))


def threads():
    return len(os.listdir('/proc/self/task'))


def fds():
    return len(os.listdir('/proc/self/fd'))


def fd_targets():
    out = []
    for f in os.listdir('/proc/self/fd'):
        try:
            out.append(os.readlink(f'/proc/self/fd/{f}'))
        except OSError:  # the listing's own descriptor, already closed
            pass
    return sorted(out)


def fd_kinds():
    kinds = {}
    for t in fd_targets():
        k = t.split(':')[0] if ':' in t else t
        k = 'eventfd' if 'eventfd' in t else k
        kinds[k] = kinds.get(k, 0) + 1
    return kinds


def thread_names():
    out = []
    for t in os.listdir('/proc/self/task'):
        try:
            with open(f'/proc/self/task/{t}/comm') as f:
                out.append(f.read().strip())
        except OSError:
            pass
    return sorted(out)


class Cycles(PeerTestCase):
    DEADLINE = 58.0

    def one_cycle(self, i, finalized):
        pr = Pair()
        for p in (pr.a, pr.b):
            p.el.weak_ref(finalized.append, f'{p.name}{i}')
        offerer = 'a' if i % 2 == 0 else 'b'
        o, r = pr.peers(offerer)
        ch_a = o.create_data_channel(f'c{i}')
        ch_a.obj.weak_ref(finalized.append, f'dc{i}')
        pr.negotiate(offerer)
        pr.wait_connected()
        ch_a.wait_open()
        ch_b = r.remote_channel(f'c{i}')
        ch_b.obj.weak_ref(finalized.append, f'rdc{i}')
        # The transports behind the channel must go with the bins too.
        want_extra = set()
        # (Not on webrtcbin: its transports are floating GstObjects that
        # PyGObject would sink and free under it.)
        for p in (pr.a, pr.b) if pr.a.is_rtc else ():
            sctp = p.el.get_property('sctp-transport')
            if sctp is not None:
                sctp.weak_ref(finalized.append, f'{p.name}-sctp{i}')
                want_extra.add(f'{p.name}-sctp{i}')
                dtls = sctp.get_property('transport')
                if dtls is not None:
                    dtls.weak_ref(finalized.append, f'{p.name}-dtls{i}')
                    want_extra.add(f'{p.name}-dtls{i}')
                    prop = 'ice-transport' if dtls.find_property('ice-transport') else 'transport'
                    ice = dtls.get_property(prop)
                    if ice is not None:
                        ice.weak_ref(finalized.append, f'{p.name}-ice{i}')
                        want_extra.add(f'{p.name}-ice{i}')
                    del ice
                del dtls
            del sctp
        ch_a.send_string(f'ping {i}')
        self.assertEqual(ch_b.wait_strings(1), [f'ping {i}'])
        ch_b.send_bytes(bytes([i & 0xff]) * 100)
        self.assertEqual(ch_a.wait_datas(1), [bytes([i & 0xff]) * 100])
        # Close from alternating sides, then the other.
        first, second = (pr.a, pr.b) if i % 2 == 0 else (pr.b, pr.a)
        first.close()
        if first.is_rtc:
            self.assertEqual(first.state('connection-state'), 'closed')
        second.close()
        pr.close()
        del pr, ch_a, ch_b, first, second, o, r
        p = None
        gc.collect()
        want = {f'a{i}', f'b{i}', f'dc{i}', f'rdc{i}'} | want_extra
        wait_until(lambda: want <= set(finalized), 5.0 * SLOW,
                   f'cycle {i}: elements and channels finalized (still alive: {sorted(want - set(finalized))})')

    def settle(self):
        """Teardown threads exit asynchronously: wait until the count has
        not dropped for 0.5 s (at most 3 s)."""
        end = time.monotonic() + 3.0 * SLOW
        last, since = threads(), time.monotonic()
        while time.monotonic() < end and time.monotonic() - since < 0.5:
            time.sleep(0.05)
            n = threads()
            if n < last:
                last, since = n, time.monotonic()

    def test_cycles(self):
        finalized = []
        t0 = time.monotonic()
        self.one_cycle(0, finalized)
        gc.collect()
        self.settle()
        base_threads, base_fds, base_names = threads(), fds(), thread_names()
        for i in range(1, CYCLES):
            self.one_cycle(i, finalized)
        gc.collect()
        # Threads and sockets are released shortly after close: wait for them.
        slack = 2  # GLib's thread pool may keep a spare worker
        try:
            wait_until(lambda: threads() <= base_threads + slack and fds() <= base_fds, 5.0 * SLOW,
                       'threads and fds back to the warm-up level')
        except AssertionError:
            self.fail(f'after {CYCLES} cycles: {threads()} threads (warm {base_threads}), '
                      f'{fds()} fds (warm {base_fds}): leaked; '
                      f'threads now: {thread_names()} (warm {base_names}); fds now by kind: {fd_kinds()}')
        print(f'{CYCLES} cycles of {ELEMENT} in {time.monotonic() - t0:.1f} s; threads {base_threads} -> '
              f'{threads()}, fds {base_fds} -> {fds()}', file=sys.stderr)


if __name__ == '__main__':
    main()
