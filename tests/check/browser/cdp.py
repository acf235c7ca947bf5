"""A minimal Chrome DevTools Protocol client over --remote-debugging-pipe.

Why the pipe and not --remote-debugging-port: the pipe needs no TCP port
(nothing to race for, nothing listening that another process could reach)
and no WebSocket client; messages are JSON objects separated by NUL bytes,
Chromium reads them from its fd 3 and writes its own to fd 4. Standard
library only, so the tests need no npm, pip or network at run time.

One reader thread routes replies to their waiting callers by id and keeps
every event; callers wait on the reply of each command with a timeout, so
a dead or wedged browser fails the test instead of hanging it.
"""

import json
import os
import threading
import time


class CdpError(Exception):
    """A CDP command answered with an error, or the browser went away."""


class Cdp:
    def __init__(self, read_fd, write_fd):
        self._rfd = read_fd
        self._wfd = write_fd
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._next_id = 1
        self._replies = {}
        self._events = []
        self._closed = None
        self._thread = threading.Thread(target=self._read_loop, name='cdp-reader', daemon=True)
        self._thread.start()

    def _read_loop(self):
        buf = b''
        reason = 'browser closed the DevTools pipe'
        try:
            while True:
                chunk = os.read(self._rfd, 1 << 16)
                if not chunk:
                    break
                buf += chunk
                while b'\0' in buf:
                    raw, buf = buf.split(b'\0', 1)
                    msg = json.loads(raw)
                    with self._cond:
                        if 'id' in msg:
                            self._replies[msg['id']] = msg
                        else:
                            self._events.append(msg)
                        self._cond.notify_all()
        except OSError as e:
            reason = f'DevTools pipe read failed: {e}'
        with self._cond:
            self._closed = reason
            self._cond.notify_all()

    def send(self, method, params=None, session_id=None, timeout=30.0):
        """Run one command; its `result`, or CdpError."""
        with self._cond:
            if self._closed:
                raise CdpError(self._closed)
            mid = self._next_id
            self._next_id += 1
        msg = {'id': mid, 'method': method, 'params': params or {}}
        if session_id:
            msg['sessionId'] = session_id
        data = json.dumps(msg).encode() + b'\0'
        with self._write_lock:
            view = memoryview(data)
            while view:
                n = os.write(self._wfd, view)
                view = view[n:]
        end = time.monotonic() + timeout
        with self._cond:
            while mid not in self._replies:
                if self._closed:
                    raise CdpError(f'{method}: {self._closed}')
                left = end - time.monotonic()
                if left <= 0:
                    raise CdpError(f'{method}: no reply in {timeout:.0f} s')
                self._cond.wait(left)
            reply = self._replies.pop(mid)
        if 'error' in reply:
            raise CdpError(f'{method}: {reply["error"]}')
        return reply.get('result', {})

    def events(self, method=None, session_id=None):
        """Events received so far (optionally of one method / session)."""
        with self._lock:
            return [e for e in self._events
                    if (method is None or e.get('method') == method)
                    and (session_id is None or e.get('sessionId') == session_id)]

    def close(self):
        for fd in (self._wfd, self._rfd):
            try:
                os.close(fd)
            except OSError:
                pass
