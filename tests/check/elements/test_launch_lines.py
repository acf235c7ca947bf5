#!/usr/bin/python3
"""docs/launch-lines.md cannot rot: every ```launch block of the page runs
as written and must deliver.

A block's header is `launch <group> <kind> [buffers=N]`; the blocks of one
group run together in page order, in a temporary directory of their own:

- `setup`: a shell script, run first, must exit 0;
- `live`: a command that runs until stopped; the test stops it once its
  checks passed (or fails the group when they did not within the timeout);
- `run`: a command that must end by itself with exit status 0;
- `python`: a program for python3 that must exit 0.

Checks of a `live`/`run`/`python` block: every `fakesink silent=false` in it
printed at least N (`buffers=N`, default 20) `last-message = chain` lines
(gst-launch-1.0 -v prints one per buffer), every `<!-- launch-expect: TEXT -->`
right above the block appears in its output, and no process of the group
reports an error. Every IPv4 address in a block must be 127.0.0.1.

The page's ports are fixed, so the whole test re-runs itself in a private
network namespace holding only loopback (tests/check/interop/run-in-netns.sh)
when it can create one, and on the host's loopback otherwise. A group whose
non-gst-rtc element is missing (vp8enc, opusenc, ...) is skipped with the
reason; a missing gst-rtc element is a failure.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.normpath(os.path.join(HERE, '..', '..', '..'))
DOC = os.environ.get('GST_RTC_LAUNCH_LINES_DOC', os.path.join(SOURCE_ROOT, 'docs', 'launch-lines.md'))
NETNS = os.path.join(SOURCE_ROOT, 'tests', 'check', 'interop', 'run-in-netns.sh')
SLOW = float(os.environ.get('GST_RTC_TEST_SLOW', '1'))
GROUP_TIMEOUT = 40.0 * SLOW
DEFAULT_BUFFERS = 20
KINDS = ('setup', 'live', 'run', 'python')
# Each of these must appear in at least one block: the page covers every
# element on its own.
ELEMENTS = ('rtcpay', 'rtcdepay', 'rtcaudiolevel', 'rtcsrtpenc', 'rtcsrtpdec', 'rtcdtlssrtpenc', 'rtcdtlssrtpdec',
            'rtcicesrc', 'rtcicesink', 'rtcsctpenc', 'rtcsctpdec')

CHAIN_RE = re.compile(r'GstFakeSink:([\w-]+): last-message = chain')
MISSING_RE = re.compile(r'no element "([^"]+)"')
ERROR_RE = re.compile(r'^(ERROR: .*|Traceback .*)$', re.M)
IPV4_RE = re.compile(r'(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])')


class Block:
    def __init__(self, line, group, kind, attrs, body, expects):
        self.line = line
        self.group = group
        self.kind = kind
        self.attrs = attrs
        self.body = body
        self.expects = expects
        self.proc = None
        self.log = None
        self.done = False  # its checks passed

    def __repr__(self):
        return f'{self.group}/{self.kind} (docs line {self.line})'

    @property
    def min_buffers(self):
        return int(self.attrs.get('buffers', DEFAULT_BUFFERS))

    @property
    def checked_sinks(self):
        return len(re.findall(r'\bfakesink\b[^!]*\bsilent=false\b', self.body))

    def output(self):
        if self.log is None or not os.path.exists(self.log):
            return ''
        with open(self.log, errors='replace') as f:
            return f.read()

    def unmet(self, out):
        """What is still missing from this block's output (empty: passed)."""
        missing = []
        counts = {}
        for name in CHAIN_RE.findall(out):
            counts[name] = counts.get(name, 0) + 1
        enough = [n for n, c in counts.items() if c >= self.min_buffers]
        if len(enough) < self.checked_sinks:
            missing.append(f'{self.checked_sinks} fakesink(s) with >= {self.min_buffers} buffers '
                           f'(buffers per sink: {counts or "none"})')
        missing += [f'"{e}" in the output' for e in self.expects if e not in out]
        return missing


def parse(text):
    blocks, expects, errors = [], [], []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r'^<!-- launch-expect: (.*) -->$', line)
        if m:
            expects.append(m.group(1))
        elif line.startswith('```launch'):
            start = i + 1
            words = line[3:].split()
            body = []
            i += 1
            while i < len(lines) and not lines[i].startswith('```'):
                body.append(lines[i])
                i += 1
            if len(words) < 3 or words[2] not in KINDS:
                errors.append(f'docs line {start}: header "{line}" is not "```launch <group> <kind>" '
                              f'with kind one of {KINDS}')
            else:
                attrs = dict(w.split('=', 1) for w in words[3:] if '=' in w)
                blocks.append(Block(start, words[1], words[2], attrs, '\n'.join(body) + '\n', expects))
            expects = []
        elif line.strip() and not line.startswith('<!--'):
            expects = []
        i += 1
    return blocks, errors


def lint(blocks):
    """Problems with the page itself, before anything runs."""
    problems = []
    for b in blocks:
        for addr in IPV4_RE.findall(b.body):
            if addr != '127.0.0.1':
                problems.append(f'{b}: address {addr}: everything must stay on 127.0.0.1')
        if b.kind in ('live', 'run') and 'gst-launch-1.0' not in b.body:
            problems.append(f'{b}: a {b.kind} block is a gst-launch-1.0 line')
        if b.kind in ('live', 'run', 'python') and not b.checked_sinks and not b.expects \
                and not any(o is not b and o.group == b.group and (o.checked_sinks or o.expects)
                            for o in blocks):
            problems.append(f'{b}: its group checks nothing (no fakesink silent=false, no launch-expect)')
    text = ''.join(b.body for b in blocks)
    for e in ELEMENTS:
        if not re.search(rf'\b{e}\b', text):
            problems.append(f'no launch block uses {e}')
    return problems


def start(block, workdir):
    block.log = os.path.join(workdir, f'block-{block.line}.log')
    out = open(block.log, 'w')
    if block.kind == 'python':
        path = os.path.join(workdir, f'block-{block.line}.py')
        with open(path, 'w') as f:
            f.write(block.body)
        argv = [sys.executable, path]
    else:
        argv = ['bash', '-c', block.body]
    block.proc = subprocess.Popen(argv, cwd=workdir, stdout=out, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, start_new_session=True)
    out.close()


def stop(block):
    p = block.proc
    if p is None or p.poll() is not None:
        return
    for sig, wait in ((signal.SIGINT, 3.0), (signal.SIGTERM, 2.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(p.pid, sig)
        except ProcessLookupError:
            return
        try:
            p.wait(wait)
            return
        except subprocess.TimeoutExpired:
            pass


def tail(text, n=40):
    lines = [l for l in text.splitlines() if 'last-message = chain' not in l]
    return '\n'.join('    | ' + l[:300] for l in lines[-n:])


def run_group(name, blocks):
    """Returns ('pass'|'skip'|'fail', detail)."""
    workdir = tempfile.mkdtemp(prefix=f'launch-{name}-')
    try:
        for b in [b for b in blocks if b.kind == 'setup']:
            r = subprocess.run(['bash', '-e', '-c', b.body], cwd=workdir, capture_output=True, text=True,
                               timeout=60 * SLOW)
            if r.returncode != 0:
                return 'fail', f'{b} exited {r.returncode}:\n{tail(r.stdout + r.stderr)}'
        runs = [b for b in blocks if b.kind != 'setup']
        for b in runs:
            start(b, workdir)
            time.sleep(0.3)
        deadline = time.monotonic() + GROUP_TIMEOUT
        while True:
            for b in runs:
                out = b.output()
                missing = MISSING_RE.findall(out)
                ours = [m for m in missing if m.startswith('rtc')]
                if ours:
                    return 'fail', f'{b}: gst-rtc element(s) {ours} not found (plugin not built or not loadable)'
                if missing:
                    return 'skip', f'{b}: missing element(s) {missing}'
                err = ERROR_RE.search(out)
                if err:
                    return 'fail', f'{b} reported an error:\n{tail(out)}'
                rc = b.proc.poll()
                if rc is not None and not b.done:
                    unmet = b.unmet(out)
                    if rc != 0:
                        return 'fail', f'{b} exited with status {rc}:\n{tail(out)}'
                    if b.kind == 'live' and (unmet or b.checked_sinks == 0 and not b.expects):
                        # A live line (a receiver, a sender) runs until stopped.
                        return 'fail', f'{b} ended by itself; still missing: {unmet}\n{tail(out)}'
                    if unmet:
                        return 'fail', f'{b} ended without {"; ".join(unmet)}\n{tail(out)}'
                    b.done = True
                elif rc is None and b.kind == 'live' and not b.done and (b.checked_sinks or b.expects):
                    b.done = not b.unmet(out)
            checked = [b for b in runs if b.kind != 'live' or b.checked_sinks or b.expects]
            if all(b.done for b in checked):
                return 'pass', ', '.join(f'{b.kind}@{b.line}' for b in runs)
            if time.monotonic() > deadline:
                report = []
                for b in checked:
                    if not b.done:
                        report.append(f'{b}: still missing {b.unmet(b.output())} '
                                      f'(running: {b.proc.poll() is None})\n{tail(b.output())}')
                return 'fail', f'timed out after {GROUP_TIMEOUT:.0f} s:\n' + '\n'.join(report)
            time.sleep(0.1)
    finally:
        for b in blocks:
            stop(b)
        shutil.rmtree(workdir, ignore_errors=True)


def reexec_in_netns():
    if os.environ.get('GST_RTC_LAUNCH_LINES_NETNS') or not os.path.exists(NETNS):
        return
    if subprocess.run(['unshare', '-n', 'true'], capture_output=True).returncode != 0:
        print('# no network namespace (unshare -n needs root): running on the host loopback', flush=True)
        return
    os.environ['GST_RTC_LAUNCH_LINES_NETNS'] = '1'
    os.execv('/bin/sh', ['/bin/sh', NETNS, sys.executable, os.path.abspath(__file__)] + sys.argv[1:])


def main():
    reexec_in_netns()
    with open(DOC) as f:
        blocks, errors = parse(f.read())
    problems = errors + lint(blocks)
    if not blocks:
        problems.append(f'no ```launch blocks in {DOC}')
    if problems:
        for p in problems:
            print(f'FAIL {p}')
        return 1
    groups = {}
    for b in blocks:
        groups.setdefault(b.group, []).append(b)
    only = sys.argv[1:]
    results = {'pass': 0, 'skip': 0, 'fail': 0}
    for name, members in groups.items():
        if only and name not in only:
            continue
        t0 = time.monotonic()
        verdict, detail = run_group(name, members)
        results[verdict] += 1
        print(f'{verdict.upper()} {name} ({time.monotonic() - t0:.1f} s): {detail}', flush=True)
    print(f'# {results["pass"]} passed, {results["fail"]} failed, {results["skip"]} skipped '
          f'(groups of {os.path.relpath(DOC, SOURCE_ROOT)})')
    if results['fail']:
        return 1
    return 77 if results['pass'] == 0 else 0


if __name__ == '__main__':
    sys.exit(main())
