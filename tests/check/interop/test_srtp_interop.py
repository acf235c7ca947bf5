#!/usr/bin/python3
"""rtcsrtpenc/rtcsrtpdec against gst-plugins-bad's srtpenc/srtpdec in one
process: what one side protects the other recovers byte for byte, with the
same keys and caps, for AES_CM_128_HMAC_SHA1_80 and both AEAD GCM profiles;
and a gst-launch line written for srtpenc/srtpdec runs after renaming."""
import unittest

import gi
gi.require_version('Gst', '1.0')
from gi.repository import Gst  # noqa: E402

Gst.init(None)

SSRC = 0x50DEC0DE
# (rtp-cipher, rtp-auth, master key length); RTCP uses the same transform.
PROFILES = {
    'AES_CM_128_HMAC_SHA1_80': ('aes-128-icm', 'hmac-sha1-80', 30),
    'AEAD_AES_128_GCM': ('aes-128-gcm', 'null', 28),
    'AEAD_AES_256_GCM': ('aes-256-gcm', 'null', 44),
    'AES_256_CM_HMAC_SHA1_80': ('aes-256-icm', 'hmac-sha1-80', 46),
    'AES_CM_128_HMAC_SHA1_32': ('aes-128-icm', 'hmac-sha1-32', 30),
}


def have(name):
    return Gst.ElementFactory.find(name) is not None


def key_hex(length, seed=1):
    return ''.join('%02x' % ((seed * 37 + i * 11) & 0xff) for i in range(length))


def rtp_packet(seq, size=1200):
    header = bytes([0x80, 96, seq >> 8, seq & 0xff, 0, 0, 1, seq & 0xff]) + SSRC.to_bytes(4, 'big')
    return header + bytes(((seq * 7 + i) & 0xff) for i in range(size - 12))


def rtcp_packet(n):
    body = bytes(((n + i) & 0xff) for i in range(20))
    return bytes([0x80, 200, 0, 6]) + SSRC.to_bytes(4, 'big') + body


def run(pipeline, packets=None, timeout=10):
    """Plays `pipeline`, feeds `packets` to appsrc `src` (if any), returns the
    bytes appsink `sink` received and the error messages on the bus."""
    got = []
    sink = pipeline.get_by_name('sink')

    def on_sample(appsink):
        sample = appsink.emit('pull-sample')
        buf = sample.get_buffer()
        ok, info = buf.map(Gst.MapFlags.READ)
        got.append(bytes(info.data))
        buf.unmap(info)
        return Gst.FlowReturn.OK

    sink.set_property('emit-signals', True)
    sink.set_property('sync', False)
    sink.connect('new-sample', on_sample)
    pipeline.set_state(Gst.State.PLAYING)
    src = pipeline.get_by_name('src')
    if packets is not None:
        for p in packets:
            src.emit('push-buffer', Gst.Buffer.new_wrapped(p))
        src.emit('end-of-stream')
    bus = pipeline.get_bus()
    errors = []
    msg = bus.timed_pop_filtered(timeout * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    if msg is None:
        errors.append('timeout')
    elif msg.type == Gst.MessageType.ERROR:
        errors.append(msg.parse_error()[0].message)
    pipeline.set_state(Gst.State.NULL)
    return got, errors


def protect_line(enc, dec, profile, rtcp=False, dec_key=None):
    cipher, auth, klen = PROFILES[profile]
    key = key_hex(klen)
    props = 'key=%s rtp-cipher=%s rtp-auth=%s rtcp-cipher=%s rtcp-auth=%s' % (key, cipher, auth, cipher, auth)
    if rtcp:
        caps = 'application/x-rtcp,ssrc=(uint)%d' % SSRC
        link = 'e.rtcp_sink_0 %s name=e %s e.rtcp_src_0 ! %%s d.rtcp_sink %s name=d d.rtcp_src' % (enc, props, dec)
    else:
        caps = 'application/x-rtp,media=(string)video,clock-rate=(int)90000,encoding-name=(string)VP8,' \
               'payload=(int)96,ssrc=(uint)%d' % SSRC
        link = 'e.rtp_sink_0 %s name=e %s e.rtp_src_0 ! %%s d.rtp_sink %s name=d d.rtp_src' % (enc, props, dec)
    # A different key on the receiving side: the negative control.
    rewrite = ''
    if dec_key is not None:
        rewrite = 'capssetter join=true caps="%s, srtp-key=(buffer)%s" !' % (
            'application/x-srtcp' if rtcp else 'application/x-srtp', dec_key)
    return 'appsrc name=src format=time caps="%s" ! %s ! appsink name=sink' % (caps, link % rewrite)


@unittest.skipUnless(have('srtpenc') and have('srtpdec'), 'gst-plugins-bad srtp elements not installed')
@unittest.skipUnless(have('rtcsrtpenc') and have('rtcsrtpdec'), 'rtcdtls plugin not built')
class SrtpInterop(unittest.TestCase):
    def round_trip(self, enc, dec, profile, rtcp=False):
        packets = [rtcp_packet(n) for n in range(8)] if rtcp else [rtp_packet(seq) for seq in range(1000, 1040)]
        got, errors = run(Gst.parse_launch(protect_line(enc, dec, profile, rtcp)), packets)
        self.assertEqual(errors, [], '%s -> %s %s' % (enc, dec, profile))
        self.assertEqual(len(got), len(packets), '%s -> %s %s: packets lost' % (enc, dec, profile))
        for sent, received in zip(packets, got):
            self.assertEqual(sent, received, '%s -> %s %s: bytes altered' % (enc, dec, profile))

    def test_ours_to_srtpdec(self):
        for profile in PROFILES:
            with self.subTest(profile=profile):
                self.round_trip('rtcsrtpenc', 'srtpdec', profile)

    def test_srtpenc_to_ours(self):
        for profile in PROFILES:
            with self.subTest(profile=profile):
                self.round_trip('srtpenc', 'rtcsrtpdec', profile)

    def test_srtcp_both_ways(self):
        for profile in ('AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_128_GCM', 'AEAD_AES_256_GCM'):
            with self.subTest(profile=profile):
                self.round_trip('rtcsrtpenc', 'srtpdec', profile, rtcp=True)
                self.round_trip('srtpenc', 'rtcsrtpdec', profile, rtcp=True)

    def test_wrong_key_delivers_nothing(self):
        # If the keys did not matter the tests above would prove nothing.
        if not have('capssetter'):
            self.skipTest('capssetter (gst-plugins-good) not installed')
        for enc, dec in (('rtcsrtpenc', 'srtpdec'), ('srtpenc', 'rtcsrtpdec')):
            with self.subTest(enc=enc):
                line = protect_line(enc, dec, 'AES_CM_128_HMAC_SHA1_80', dec_key=key_hex(30, seed=2))
                pipeline = Gst.parse_launch(line)
                got, errors = run(pipeline, [rtp_packet(s) for s in range(10)])
                self.assertEqual(errors, [])
                self.assertEqual(got, [])
                stats = pipeline.get_by_name('d').get_property('stats')
                self.assertEqual(stats.get_value('recv-drop-count'), 10)

    def test_srtpenc_launch_line_after_renaming(self):
        # The documented srtpenc/srtpdec example, run as written and renamed.
        line = ('audiotestsrc num-buffers=25 ! audio/x-raw,rate=8000,channels=1 ! mulawenc ! rtppcmupay ! '
                'application/x-rtp,payload=(int)0,ssrc=(uint)1356955624 ! '
                'srtpenc key=012345678901234567890123456789012345678901234567890123456789 '
                'rtp-cipher=aes-128-icm rtp-auth=hmac-sha1-80 rtcp-cipher=aes-128-icm rtcp-auth=hmac-sha1-80 ! '
                'srtpdec ! rtppcmudepay ! appsink name=sink')
        baseline, errors = run(Gst.parse_launch(line))
        self.assertEqual(errors, [])
        self.assertEqual(len(baseline), 25)
        variants = [line.replace('srtpenc', 'rtcsrtpenc'), line.replace('srtpdec', 'rtcsrtpdec'),
                    line.replace('srtpenc', 'rtcsrtpenc').replace('srtpdec', 'rtcsrtpdec')]
        for variant in variants:
            with self.subTest(line=variant):
                got, errors = run(Gst.parse_launch(variant))
                self.assertEqual(errors, [])
                self.assertEqual(got, baseline)


if __name__ == '__main__':
    unittest.main(verbosity=2)
