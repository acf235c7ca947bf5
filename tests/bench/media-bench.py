#!/usr/bin/python3
"""Media throughput of rtcpeerbin next to webrtcbin, both driven by the
anchor harness ../shared/anchors/peer_media_bench.c (1200-byte VP8-caps RTP
packets from an appsrc into sink_%u, counted at the far side's src pad).

For each offered rate, rounds alternate between the two elements; the table
gives medians of delivered packets/s, loss, CPU µs per delivered packet and
time to connected. The figure the goal is about: the highest delivered rate
with loss under 0.1 %, per element, and the CPU per packet there.

With --floor (media-floor.c), each round also runs the harness's own parts
with no WebRTC stack between them: appsrc ! appsink ("direct") and through
one loopback UDP datagram per packet ("udp"), with the same packets, pacing
and accounting: the CPU per packet no stack can go under in this harness.
usage: media-bench.py --bench PATH [--floor PATH] [--rates 20000,40000,100000]
                      [--packets N] [--rounds N] [--smoke]
--smoke: rtcpeerbin only, a short run that must deliver every packet (and
each floor mode, when given).
"""
import argparse
import re
import statistics
import subprocess
import sys

LINE = re.compile(r'(\S+) time_to_connected_ms=([\d.]+) sent=(\d+) delivered=(\d+) loss=([\d.]+)% '
                  r'rx_pps=(\d+) cpu_us_per_pkt=([\d.]+)')


def run(bench, element, packets, rate):
    try:
        out = subprocess.run([bench, element, str(packets), str(rate)], capture_output=True, text=True,
                             timeout=300).stdout
    except subprocess.TimeoutExpired:
        out = ''
    m = LINE.search(out)
    if not m:
        print(f'{element} rate={rate} FAILED: {out.strip()[-200:]}')
        return None
    print(m.group(0), f'offered={rate}')
    return {'connected_ms': float(m.group(2)), 'sent': int(m.group(3)), 'delivered': int(m.group(4)),
            'loss': float(m.group(5)), 'pps': float(m.group(6)), 'cpu_us': float(m.group(7))}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bench', required=True)
    ap.add_argument('--floor', help='media-floor program (the harness without a stack)')
    ap.add_argument('--rates', default='20000,40000,100000')
    ap.add_argument('--packets', type=int, default=0, help='per round (default: 4 s worth)')
    ap.add_argument('--rounds', type=int, default=3)
    ap.add_argument('--smoke', action='store_true')
    a = ap.parse_args()
    if a.smoke:
        r = run(a.bench, 'rtcpeerbin', 3000, 3000)
        ok = r is not None and r['delivered'] == r['sent'] == 3000
        for mode in (('direct', 'udp') if a.floor else ()):
            f = run(a.floor, mode, 3000, 3000)
            ok = ok and f is not None and f['delivered'] == f['sent'] == 3000
        print('media smoke:', 'ok' if ok else 'FAILED')
        return 0 if ok else 1
    rates = [int(x) for x in a.rates.split(',')]
    table = []
    for rate in rates:
        packets = a.packets or rate * 4
        res = {'rtcpeerbin': [], 'webrtcbin': []}
        floor = {'direct': [], 'udp': []}
        for _ in range(a.rounds):
            for element in res:
                r = run(a.bench, element, packets, rate)
                if r:
                    res[element].append(r)
            for mode in (floor if a.floor else ()):
                r = run(a.floor, mode, packets, rate)
                if r:
                    floor[mode].append(r)
        table.append((rate, res, floor))
    print(f'\n1200-byte RTP, {a.rounds} rounds per rate, medians (rtcpeerbin | webrtcbin):')
    print(f'{"offered/s":>10} {"delivered/s":>22} {"loss %":>14} {"CPU us/pkt":>16} {"connected ms":>16}')
    best = {'rtcpeerbin': None, 'webrtcbin': None}
    for rate, res, _floor in table:
        cols = []
        for key in ('pps', 'loss', 'cpu_us', 'connected_ms'):
            vals = [statistics.median(r[key] for r in res[e]) if res[e] else float('nan')
                    for e in ('rtcpeerbin', 'webrtcbin')]
            cols.append(f'{vals[0]:.0f} | {vals[1]:.0f}' if key == 'pps' else f'{vals[0]:.2f} | {vals[1]:.2f}')
        print(f'{rate:>10} {cols[0]:>22} {cols[1]:>14} {cols[2]:>16} {cols[3]:>16}')
        for e in best:
            if not res[e]:
                continue
            loss = statistics.median(r['loss'] for r in res[e])
            pps = statistics.median(r['pps'] for r in res[e])
            cpu = statistics.median(r['cpu_us'] for r in res[e])
            if loss < 0.1 and (best[e] is None or pps > best[e][0]):
                best[e] = (pps, cpu, rate)
    print('\nhighest delivered rate with loss < 0.1 % (packets/s, CPU us per packet, offered):')
    for e, b in best.items():
        print(f'  {e}: ' + (f'{b[0]:.0f}/s at {b[1]:.2f} us, offered {b[2]}/s' if b else 'none'))
    if best['rtcpeerbin'] and best['webrtcbin']:
        print(f'  ratio: {best["rtcpeerbin"][0] / best["webrtcbin"][0]:.2f}x packets/s, '
              f'{best["rtcpeerbin"][1] / best["webrtcbin"][1]:.2f}x CPU per packet')
    if a.floor:
        print('\nthe harness without a stack (media-floor), medians: delivered/s, loss %, CPU us/pkt')
        for rate, _res, floor in table:
            cols = []
            for mode in ('direct', 'udp'):
                rs = floor[mode]
                cols.append(f'{mode} ' + (f'{statistics.median(r["pps"] for r in rs):.0f}/s '
                                          f'{statistics.median(r["loss"] for r in rs):.2f} % '
                                          f'{statistics.median(r["cpu_us"] for r in rs):.2f} us' if rs else 'failed'))
            print(f'{rate:>10}  ' + '  |  '.join(cols))
    return 0


if __name__ == '__main__':
    sys.exit(main())
