/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What rtcsrtpenc and rtcsrtpdec share: the cipher/auth enums (same nicks and
 * values as gst-plugins-bad's srtpenc, our own GType names) and the caps
 * fields srtpenc writes and srtpdec reads (`srtp-key`, `srtp-cipher`,
 * `srtp-auth`, `srtcp-cipher`, `srtcp-auth`, `roc`, `ssrc`).
 */
#pragma once

#include <gst/gst.h>
#include <gst/rtc/rtc-error.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "srtp-profile.h"

G_BEGIN_DECLS

/**
 * GstRtcSrtpCipherType:
 * @GST_RTC_SRTP_CIPHER_NULL: no encryption
 * @GST_RTC_SRTP_CIPHER_AES_128_ICM: AES-128 in counter mode (RFC 3711)
 * @GST_RTC_SRTP_CIPHER_AES_256_ICM: AES-256 in counter mode (RFC 6188)
 * @GST_RTC_SRTP_CIPHER_AES_128_GCM: AEAD AES-128-GCM (RFC 7714); auth must be null
 * @GST_RTC_SRTP_CIPHER_AES_256_GCM: AEAD AES-256-GCM (RFC 7714); auth must be null
 *
 * SRTP/SRTCP cipher of rtcsrtpenc. Values and nicks equal srtpenc's, so
 * pipelines and caps written for srtpenc/srtpdec keep working.
 */
typedef enum {
  GST_RTC_SRTP_CIPHER_NULL = 0,
  GST_RTC_SRTP_CIPHER_AES_128_ICM = 1,
  GST_RTC_SRTP_CIPHER_AES_256_ICM = 2,
  GST_RTC_SRTP_CIPHER_AES_128_GCM = 3,
  GST_RTC_SRTP_CIPHER_AES_256_GCM = 4,
} GstRtcSrtpCipherType;

/**
 * GstRtcSrtpAuthType:
 * @GST_RTC_SRTP_AUTH_NULL: no authentication (required with AES-GCM, which
 *   authenticates itself)
 * @GST_RTC_SRTP_AUTH_HMAC_SHA1_32: HMAC-SHA1 with a 32-bit tag
 * @GST_RTC_SRTP_AUTH_HMAC_SHA1_80: HMAC-SHA1 with an 80-bit tag
 *
 * SRTP/SRTCP authentication of rtcsrtpenc (srtpenc's values and nicks).
 */
typedef enum {
  GST_RTC_SRTP_AUTH_NULL = 0,
  GST_RTC_SRTP_AUTH_HMAC_SHA1_32 = 1,
  GST_RTC_SRTP_AUTH_HMAC_SHA1_80 = 2,
} GstRtcSrtpAuthType;

GType gst_rtc_srtp_cipher_type_get_type(void);
GType gst_rtc_srtp_auth_type_get_type(void);
#define GST_RTC_TYPE_SRTP_CIPHER_TYPE (gst_rtc_srtp_cipher_type_get_type())
#define GST_RTC_TYPE_SRTP_AUTH_TYPE (gst_rtc_srtp_auth_type_get_type())

G_END_DECLS

namespace gst_rtc::srtp {

using dtls::SrtpAuth;
using dtls::SrtpCipher;
using dtls::SrtpCryptoPolicy;
using dtls::SrtpPolicy;

SrtpCipher cipher_from_enum(int value);
SrtpAuth auth_from_enum(int value);
int cipher_to_enum(SrtpCipher cipher);
int auth_to_enum(SrtpAuth auth);
const char *cipher_nick(SrtpCipher cipher);
const char *auth_nick(SrtpAuth auth);
std::optional<SrtpCipher> cipher_from_nick(const char *nick);
std::optional<SrtpAuth> auth_from_nick(const char *nick);

// Keying read from one caps structure.
struct CapsKeying {
  SrtpPolicy policy;
  std::vector<uint8_t> key;
  std::optional<uint32_t> ssrc;
  uint32_t roc = 0;
};

enum class CapsParse {
  Absent,  // no SRTP field at all: keys must come from elsewhere
  Ok,
  Invalid,  // fields present but unusable; `why` says which
};

// Reads srtpdec's fields. A missing cipher/auth field next to a `srtp-key`
// takes srtpenc's default (aes-128-icm / hmac-sha1-80).
CapsParse parse_caps_keying(const GstStructure *s, CapsKeying *out, std::string *why);
// Writes srtpenc's fields (`srtp-key` only when the policy has crypto).
void set_caps_keying(GstStructure *s, const SrtpPolicy &policy, GstBuffer *key);
// Removes every SRTP field, for the plain RTP/RTCP side.
void strip_caps_keying(GstStructure *s);

std::vector<uint8_t> buffer_bytes(GstBuffer *buffer);

struct Problem {
  GstRtcError code;
  std::string message;
};
// Whether `key` (master key || salt) can run `policy`: NOT_SUPPORTED for a
// combination libsrtp cannot do, INVALID_ACCESS for a missing or mis-sized key.
std::optional<Problem> check_keying(const SrtpPolicy &policy, const std::vector<uint8_t> &key, bool have_key);

}  // namespace gst_rtc::srtp

namespace gst_rtc::srtp {
// Answers a CAPS query on `pad` by asking the peer of `otherpad` (its
// partner on the other side of the element) with the media type swapped
// between `this_type` and `other_type` and SRTP fields removed on the plain
// side, as srtpenc/srtpdec do.
gboolean query_caps_through(GstPad *pad, GstPad *otherpad, GstQuery *query, const char *this_type,
                            const char *other_type, bool this_side_plain);
// Posts an element error or warning in the GST_RTC_ERROR domain.
void post_message(GstElement *element, GstMessageType type, GstRtcError code, const std::string &text,
                  const char *function, int line);
}  // namespace gst_rtc::srtp

#define GST_RTC_SRTP_ERROR(el, code, text) \
  gst_rtc::srtp::post_message(GST_ELEMENT(el), GST_MESSAGE_ERROR, code, text, GST_FUNCTION, __LINE__)
#define GST_RTC_SRTP_WARNING(el, code, text) \
  gst_rtc::srtp::post_message(GST_ELEMENT(el), GST_MESSAGE_WARNING, code, text, GST_FUNCTION, __LINE__)
