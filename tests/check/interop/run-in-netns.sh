#!/bin/sh
# Runs a command in a private network namespace that holds only loopback
# (brought up), so a WebRTC peer started by an interop test can gather and
# send nothing beyond this machine. Needs root (CAP_SYS_ADMIN); without it
# the test is reported as skipped (exit 77), never run on the host network.
if ! unshare -n true 2>/dev/null; then
  echo "SKIP: cannot create a network namespace (unshare -n needs root)" >&2
  exit 77
fi
exec unshare -n sh -c 'ip link set lo up && exec "$@"' sh "$@"
