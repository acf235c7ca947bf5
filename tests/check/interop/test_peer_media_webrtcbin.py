#!/usr/bin/python3
"""Media between rtcpeerbin and gst-plugins-bad's webrtcbin in one process:
the peer-media tests (tests/check/pipelines/test_peer_media.py: VP8 from the
offerer decoded; VP8 + Opus both ways after a renegotiation the other side
offers) with rtcpeerbin offering first, then webrtcbin offering first.
"""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'pipelines'))
from peer_harness import have_element, main  # noqa: E402
from test_peer_media import Media  # noqa: E402

OURS = os.environ.get('GST_RTC_PEER_ELEMENT', 'rtcpeerbin')


class WithWebrtcbin(Media):
    # What only rtcpeerbin does (encoded media on sink pads, reaching into
    # it to lose packets, its payload type rewrite) is tested in the
    # pipelines suite; here what both must do together.
    test_encoded_media_is_payloaded_inside = None
    test_h264_from_x264enc_straight_into_the_bin = None
    test_retransmission_recovers_losses = None
    test_payload_type_rewritten_to_the_negotiated_one = None
    # rtcpeerbin's DTMF sender, header extensions read off its src pads and
    # its MID demultiplexing (webrtcbin has none of them).
    test_dtmf_tones_reach_the_far_side = None
    test_header_extensions_on_the_wire = None
    test_streams_demultiplexed_by_mid_without_ssrc_lines = None
    test_replace_track_by_relinking_the_pad = None
    test_only_media_with_rtx_asks_for_retransmissions = None
    # rtcpeerbin's sender parameters, receiver-side PLI from its jitter
    # buffer (reaching into it to lose packets), pad msid grouping, CVO,
    # audio level and simulcast layers.
    test_inactive_sender_sends_nothing = None
    test_key_unit_requests_in_quick_succession = None
    test_max_bitrate_caps_the_encoder = None
    test_max_bitrate_without_a_known_encoder_warns = None
    test_lost_video_asks_for_a_key_frame = None
    test_tracks_grouped_in_media_streams = None
    test_video_orientation_reaches_the_far_side = None
    test_audio_level_reaches_the_far_side = None
    test_simulcast_layers_sent_and_received = None


@unittest.skipUnless(have_element('webrtcbin'), 'needs webrtcbin (gstreamer1.0-plugins-bad)')
class OursOffersFirst(WithWebrtcbin):
    PAIR = {'factory_a': OURS, 'factory_b': 'webrtcbin'}

    def test_stopped_transceiver_removes_the_far_pad(self):
        # webrtcbin 1.22 takes our offer with the stopped (port 0) m-line but
        # fails its own answer to it: "Fingerprint in media 1 differs from
        # previous fingerprint" in its set-local-description.
        self.skipTest('webrtcbin 1.22 fails its own answer to a stopped m-line')


@unittest.skipUnless(have_element('webrtcbin'), 'needs webrtcbin (gstreamer1.0-plugins-bad)')
class WebrtcbinOffersFirst(WithWebrtcbin):
    PAIR = {'factory_a': 'webrtcbin', 'factory_b': OURS}

    def test_audio_and_video_both_ways(self):
        # Our re-offer turns webrtcbin's recvonly answer into sendrecv, which
        # webrtcbin 1.22 refuses as answerer ("transceiver direction changes
        # are not implemented"): its gap. Sending both ways from the start is
        # test_both_send_from_the_start.
        self.skipTest('webrtcbin 1.22 cannot change a transceiver direction in renegotiation')


del Media, WithWebrtcbin  # run only the two pairings here

if __name__ == '__main__':
    main()
