#!/usr/bin/python3
"""Writes tests/files/sdp/malformed/: one small SDP per file, each a valid
offer with exactly one defect, and malformed/EXPECTED naming the 1-based line
a strict parser must report for it.

The base offer below parses; every case changes, inserts or removes one line.
Lines are counted as split on LF (CRLF counts once); the files use CRLF like
real stacks do. Needs no network: plain `/usr/bin/python3 gen_malformed.py`.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), "malformed")

FP = ":".join(f"{b:02X}" for b in range(0x10, 0x30))  # 32 bytes, sha-256 sized

BASE = [
    "v=0",  # 1
    "o=- 4962303333179871722 1 IN IP4 0.0.0.0",  # 2
    "s=-",  # 3
    "t=0 0",  # 4
    "a=group:BUNDLE 0 1",  # 5
    "a=msid-semantic: WMS *",  # 6
    "m=audio 9 UDP/TLS/RTP/SAVPF 111",  # 7
    "c=IN IP4 0.0.0.0",  # 8
    "a=ice-ufrag:Gd3x",  # 9
    "a=ice-pwd:4yWq0pZb1kQm7sN2vR8tLc",  # 10
    f"a=fingerprint:sha-256 {FP}",  # 11
    "a=setup:actpass",  # 12
    "a=mid:0",  # 13
    "a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid",  # 14
    "a=sendrecv",  # 15
    "a=rtcp-mux",  # 16
    "a=rtpmap:111 opus/48000/2",  # 17
    "a=fmtp:111 minptime=10;useinbandfec=1",  # 18
    "a=ssrc:1001 cname:golden",  # 19
    "a=candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host",  # 20
    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",  # 21
    "c=IN IP4 0.0.0.0",  # 22
    "a=ice-ufrag:Gd3x",  # 23
    "a=ice-pwd:4yWq0pZb1kQm7sN2vR8tLc",  # 24
    f"a=fingerprint:sha-256 {FP}",  # 25
    "a=setup:actpass",  # 26
    "a=mid:1",  # 27
    "a=sctp-port:5000",  # 28
    "a=max-message-size:262144",  # 29
]


def replace(line_no, text):
    lines = list(BASE)
    lines[line_no - 1] = text
    return lines, line_no


def insert(line_no, text):
    """text becomes line line_no."""
    lines = list(BASE)
    lines.insert(line_no - 1, text)
    return lines, line_no


def remove(line_no, error_line):
    lines = list(BASE)
    del lines[line_no - 1]
    return lines, error_line


# name -> (lines, expected error line, what is wrong)
CASES = {
    "missing-version": (*remove(1, 1), "no v= line: the first line is o="),
    "version-1": (*replace(1, "v=1"), "v= must be 0"),
    "line-without-equals": (*insert(8, "this line has no equals sign"), "a line that is not <type>=<value>"),
    "nul-byte": (*replace(3, "s=\x00"), "NUL byte inside the s= line"),
    "empty": ([], 1, "empty input: no v= line"),
    "origin-missing-fields": (*replace(2, "o=- 4962303333179871722 IN IP4"), "o= with 4 of its 6 fields"),
    "media-port-too-big": (*replace(7, "m=audio 70000 UDP/TLS/RTP/SAVPF 111"), "m= port above 65535"),
    "media-no-formats": (*replace(7, "m=audio 9 UDP/TLS/RTP/SAVPF"), "m= line without any format"),
    "media-format-pt-200": (*replace(7, "m=audio 9 UDP/TLS/RTP/SAVPF 200"), "RTP payload type above 127 in m="),
    "rtpmap-pt-300": (*replace(17, "a=rtpmap:300 opus/48000/2"), "rtpmap payload type 300"),
    "rtpmap-no-clock-rate": (*replace(17, "a=rtpmap:111 opus"), "rtpmap without /<clock rate>"),
    "rtpmap-clock-rate-text": (*replace(17, "a=rtpmap:111 opus/fast/2"), "rtpmap clock rate not a number"),
    "fingerprint-not-hex": (
        *replace(11, "a=fingerprint:sha-256 " + FP.replace("1A", "ZZ")),
        "fingerprint with a non-hex pair",
    ),
    "duplicate-mid": (*replace(27, "a=mid:0"), "second m-section reuses mid 0"),
    "candidate-garbage": (*replace(20, "a=candidate:garbage"), "a=candidate with one token"),
    "candidate-port-text": (
        *replace(20, "a=candidate:1 1 udp 2122260223 127.0.0.1 port typ host"),
        "candidate port not a number",
    ),
    "setup-invalid": (*replace(12, "a=setup:sideways"), "a=setup value outside actpass/active/passive/holdconn"),
    "extmap-id-256": (*replace(14, "a=extmap:256 urn:ietf:params:rtp-hdrext:sdes:mid"), "extmap id above 255"),
    "sctp-port-text": (*replace(28, "a=sctp-port:five"), "a=sctp-port not a number"),
    "ssrc-not-number": (*replace(19, "a=ssrc:ssrc1 cname:golden"), "a=ssrc id not a 32-bit number"),
    "connection-no-address": (*replace(8, "c=IN IP4"), "c= without an address"),
    "ice-ufrag-too-short": (*replace(9, "a=ice-ufrag:ab"), "ice-ufrag shorter than 4 characters (RFC 8839)"),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    expected = [
        "# file<TAB>1-based line a strict parser must report<TAB>defect",
        "# Written by ../gen/gen_malformed.py; each file is one valid offer with one defect.",
    ]
    for name, (lines, line_no, why) in sorted(CASES.items()):
        fname = f"{name}.sdp"
        data = "".join(line + "\r\n" for line in lines).encode("latin-1")
        with open(os.path.join(OUT, fname), "wb") as f:
            f.write(data)
        expected.append(f"{fname}\t{line_no}\t{why}")
    with open(os.path.join(OUT, "EXPECTED"), "w") as f:
        f.write("\n".join(expected) + "\n")
    print(f"wrote {len(CASES)} files and EXPECTED to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
