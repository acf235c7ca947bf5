#!/bin/sh
# Regenerates the golden SDP files that come from real stacks on this
# machine (webrtcbin-*.sdp, aiortc-*.sdp) in tests/files/sdp/ (or in the
# directory given as $1), and tests/files/sdp/malformed/.
#
# Each generator runs in a private network namespace that holds only
# loopback, so nothing they gather or send can leave the machine. Needs root
# (unshare -n) and Debian's packages:
#   apt-get install -y gstreamer1.0-plugins-bad gstreamer1.0-plugins-good \
#     gstreamer1.0-nice gir1.2-gst-plugins-bad-1.0 gir1.2-gst-plugins-base-1.0 \
#     python3-gi python3-aiortc
# Afterwards, update the version table in ../README.md (the script prints it).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$(dirname "$here")}
py=/usr/bin/python3

in_loopback_netns() {
  unshare -n sh -c 'ip link set lo up && exec "$@"' sh "$@"
}

in_loopback_netns "$py" "$here/gen_webrtcbin.py" "$out"
in_loopback_netns "$py" "$here/gen_aiortc.py" "$out"
# Deterministic, no network: malformed/ and its EXPECTED (always in-tree).
"$py" -B "$here/gen_malformed.py"

echo "versions:"
dpkg-query -W -f '  ${Package} ${Version}\n' \
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-good gstreamer1.0-plugins-base \
  gstreamer1.0-nice libgstreamer1.0-0 python3-aiortc python3-aioice python3-gi
