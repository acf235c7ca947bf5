/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "srtp-caps.h"

#include <cstring>

GType gst_rtc_srtp_cipher_type_get_type(void) {
  static GType type = 0;
  static const GEnumValue values[] = {
      {GST_RTC_SRTP_CIPHER_NULL, "GST_RTC_SRTP_CIPHER_NULL", "null"},
      {GST_RTC_SRTP_CIPHER_AES_128_ICM, "GST_RTC_SRTP_CIPHER_AES_128_ICM", "aes-128-icm"},
      {GST_RTC_SRTP_CIPHER_AES_256_ICM, "GST_RTC_SRTP_CIPHER_AES_256_ICM", "aes-256-icm"},
      {GST_RTC_SRTP_CIPHER_AES_128_GCM, "GST_RTC_SRTP_CIPHER_AES_128_GCM", "aes-128-gcm"},
      {GST_RTC_SRTP_CIPHER_AES_256_GCM, "GST_RTC_SRTP_CIPHER_AES_256_GCM", "aes-256-gcm"},
      {0, nullptr, nullptr},
  };
  if (g_once_init_enter(&type))
    g_once_init_leave(&type, g_enum_register_static("GstRtcSrtpCipherType", values));
  return type;
}

GType gst_rtc_srtp_auth_type_get_type(void) {
  static GType type = 0;
  static const GEnumValue values[] = {
      {GST_RTC_SRTP_AUTH_NULL, "GST_RTC_SRTP_AUTH_NULL", "null"},
      {GST_RTC_SRTP_AUTH_HMAC_SHA1_32, "GST_RTC_SRTP_AUTH_HMAC_SHA1_32", "hmac-sha1-32"},
      {GST_RTC_SRTP_AUTH_HMAC_SHA1_80, "GST_RTC_SRTP_AUTH_HMAC_SHA1_80", "hmac-sha1-80"},
      {0, nullptr, nullptr},
  };
  if (g_once_init_enter(&type))
    g_once_init_leave(&type, g_enum_register_static("GstRtcSrtpAuthType", values));
  return type;
}

namespace gst_rtc::srtp {

namespace {
constexpr const char *kKeyField = "srtp-key";
constexpr const char *kFields[] = {"srtp-cipher", "srtp-auth", "srtcp-cipher", "srtcp-auth"};
}  // namespace

SrtpCipher cipher_from_enum(int value) {
  switch (value) {
    case GST_RTC_SRTP_CIPHER_NULL:
      return SrtpCipher::Null;
    case GST_RTC_SRTP_CIPHER_AES_256_ICM:
      return SrtpCipher::AesIcm256;
    case GST_RTC_SRTP_CIPHER_AES_128_GCM:
      return SrtpCipher::AesGcm128;
    case GST_RTC_SRTP_CIPHER_AES_256_GCM:
      return SrtpCipher::AesGcm256;
    default:
      return SrtpCipher::AesIcm128;
  }
}

SrtpAuth auth_from_enum(int value) {
  switch (value) {
    case GST_RTC_SRTP_AUTH_NULL:
      return SrtpAuth::Null;
    case GST_RTC_SRTP_AUTH_HMAC_SHA1_32:
      return SrtpAuth::HmacSha1_32;
    default:
      return SrtpAuth::HmacSha1_80;
  }
}

int cipher_to_enum(SrtpCipher cipher) {
  switch (cipher) {
    case SrtpCipher::Null:
      return GST_RTC_SRTP_CIPHER_NULL;
    case SrtpCipher::AesIcm128:
      return GST_RTC_SRTP_CIPHER_AES_128_ICM;
    case SrtpCipher::AesIcm256:
      return GST_RTC_SRTP_CIPHER_AES_256_ICM;
    case SrtpCipher::AesGcm128:
      return GST_RTC_SRTP_CIPHER_AES_128_GCM;
    case SrtpCipher::AesGcm256:
      return GST_RTC_SRTP_CIPHER_AES_256_GCM;
  }
  return GST_RTC_SRTP_CIPHER_AES_128_ICM;
}

int auth_to_enum(SrtpAuth auth) {
  switch (auth) {
    case SrtpAuth::Null:
      return GST_RTC_SRTP_AUTH_NULL;
    case SrtpAuth::HmacSha1_32:
      return GST_RTC_SRTP_AUTH_HMAC_SHA1_32;
    case SrtpAuth::HmacSha1_80:
      return GST_RTC_SRTP_AUTH_HMAC_SHA1_80;
  }
  return GST_RTC_SRTP_AUTH_HMAC_SHA1_80;
}

namespace {
const char *enum_nick(GType type, int value) {
  // The enum classes are static: the reference only keeps them alive.
  auto *klass = static_cast<GEnumClass *>(g_type_class_ref(type));
  const GEnumValue *v = g_enum_get_value(klass, value);
  const char *nick = v ? v->value_nick : "";
  g_type_class_unref(klass);
  return nick;
}

std::optional<int> enum_value(GType type, const char *nick) {
  if (!nick) return std::nullopt;
  auto *klass = static_cast<GEnumClass *>(g_type_class_ref(type));
  const GEnumValue *v = g_enum_get_value_by_nick(klass, nick);
  std::optional<int> out = v ? std::optional<int>(v->value) : std::nullopt;
  g_type_class_unref(klass);
  return out;
}
}  // namespace

const char *cipher_nick(SrtpCipher cipher) {
  return enum_nick(GST_RTC_TYPE_SRTP_CIPHER_TYPE, cipher_to_enum(cipher));
}
const char *auth_nick(SrtpAuth auth) {
  return enum_nick(GST_RTC_TYPE_SRTP_AUTH_TYPE, auth_to_enum(auth));
}
std::optional<SrtpCipher> cipher_from_nick(const char *nick) {
  auto v = enum_value(GST_RTC_TYPE_SRTP_CIPHER_TYPE, nick);
  return v ? std::optional<SrtpCipher>(cipher_from_enum(*v)) : std::nullopt;
}
std::optional<SrtpAuth> auth_from_nick(const char *nick) {
  auto v = enum_value(GST_RTC_TYPE_SRTP_AUTH_TYPE, nick);
  return v ? std::optional<SrtpAuth>(auth_from_enum(*v)) : std::nullopt;
}

std::vector<uint8_t> buffer_bytes(GstBuffer *buffer) {
  std::vector<uint8_t> out;
  if (!buffer) return out;
  out.resize(gst_buffer_get_size(buffer));
  gst_buffer_extract(buffer, 0, out.data(), out.size());
  return out;
}

CapsParse parse_caps_keying(const GstStructure *s, CapsKeying *out, std::string *why) {
  bool any = gst_structure_has_field(s, kKeyField);
  for (const char *f : kFields) any = any || gst_structure_has_field(s, f);
  if (!any) return CapsParse::Absent;

  CapsKeying k;
  const char *nicks[4];
  for (int i = 0; i < 4; ++i) {
    nicks[i] = nullptr;
    if (gst_structure_has_field(s, kFields[i])) {
      nicks[i] = gst_structure_get_string(s, kFields[i]);
      if (!nicks[i]) {
        *why = std::string("caps field ") + kFields[i] + " is not a string";
        return CapsParse::Invalid;
      }
    }
  }
  auto cipher = [&](int i, SrtpCipher *dst) {
    if (!nicks[i]) return true;
    auto c = cipher_from_nick(nicks[i]);
    if (c) *dst = *c;
    return c.has_value();
  };
  auto auth = [&](int i, SrtpAuth *dst) {
    if (!nicks[i]) return true;
    auto a = auth_from_nick(nicks[i]);
    if (a) *dst = *a;
    return a.has_value();
  };
  if (!cipher(0, &k.policy.rtp.cipher) || !auth(1, &k.policy.rtp.auth) || !cipher(2, &k.policy.rtcp.cipher) ||
      !auth(3, &k.policy.rtcp.auth)) {
    *why =
        "unknown cipher or auth in caps (srtp-cipher/srtcp-cipher: null, aes-128-icm, aes-256-icm, "
        "aes-128-gcm, aes-256-gcm; srtp-auth/srtcp-auth: null, hmac-sha1-32, hmac-sha1-80)";
    return CapsParse::Invalid;
  }
  if (gst_structure_has_field(s, kKeyField)) {
    const GValue *v = gst_structure_get_value(s, kKeyField);
    if (!GST_VALUE_HOLDS_BUFFER(v)) {
      *why = "caps field srtp-key is not a buffer";
      return CapsParse::Invalid;
    }
    k.key = buffer_bytes(gst_value_get_buffer(v));
  }
  guint u = 0;
  if (gst_structure_get_uint(s, "ssrc", &u)) k.ssrc = u;
  if (gst_structure_get_uint(s, "roc", &u)) k.roc = u;
  *out = std::move(k);
  return CapsParse::Ok;
}

void set_caps_keying(GstStructure *s, const SrtpPolicy &policy, GstBuffer *key) {
  if (dtls::srtp_policy_has_crypto(policy) && key)
    gst_structure_set(s, kKeyField, GST_TYPE_BUFFER, key, nullptr);
  gst_structure_set(s, "srtp-cipher", G_TYPE_STRING, cipher_nick(policy.rtp.cipher), "srtp-auth",
                    G_TYPE_STRING, auth_nick(policy.rtp.auth), "srtcp-cipher", G_TYPE_STRING,
                    cipher_nick(policy.rtcp.cipher), "srtcp-auth", G_TYPE_STRING, auth_nick(policy.rtcp.auth),
                    nullptr);
}

void strip_caps_keying(GstStructure *s) {
  gst_structure_remove_fields(s, kKeyField, "srtp-cipher", "srtp-auth", "srtcp-cipher", "srtcp-auth", "mki",
                              "roc", nullptr);
}

std::optional<Problem> check_keying(const SrtpPolicy &policy, const std::vector<uint8_t> &key,
                                    bool have_key) {
  if (auto why = dtls::srtp_policy_unsupported(policy))
    return Problem{GST_RTC_ERROR_NOT_SUPPORTED, std::string(*why)};
  if (!dtls::srtp_policy_has_crypto(policy)) return std::nullopt;
  const std::size_t want = dtls::srtp_master_key_length(policy);
  if (!have_key)
    return Problem{GST_RTC_ERROR_INVALID_ACCESS,
                   "no SRTP master key (expected " + std::to_string(want) + " bytes)"};
  if (key.size() != want)
    return Problem{GST_RTC_ERROR_INVALID_ACCESS, "SRTP master key has " + std::to_string(key.size()) +
                                                     " bytes, the policy needs " + std::to_string(want) +
                                                     " (key || salt)"};
  return std::nullopt;
}

gboolean query_caps_through(GstPad *pad, GstPad *otherpad, GstQuery *query, const char *this_type,
                            const char *other_type, bool this_side_plain) {
  GstCaps *filter = nullptr;
  gst_query_parse_caps(query, &filter);
  GstCaps *other_filter = nullptr;
  if (filter) {
    other_filter = gst_caps_copy(filter);
    for (guint i = 0; i < gst_caps_get_size(other_filter); ++i) {
      GstStructure *s = gst_caps_get_structure(other_filter, i);
      gst_structure_set_name(s, other_type);
      if (!this_side_plain) strip_caps_keying(s);
    }
  }
  GstCaps *peer = otherpad ? gst_pad_peer_query_caps(otherpad, other_filter) : nullptr;
  if (other_filter) gst_caps_unref(other_filter);
  GstCaps *result = nullptr;
  if (!peer || gst_caps_is_any(peer)) {
    result = gst_pad_get_pad_template_caps(pad);
  } else {
    GstCaps *templ = gst_pad_get_pad_template_caps(otherpad);
    result = gst_caps_intersect_full(peer, templ, GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref(templ);
    result = gst_caps_make_writable(result);
    for (guint i = 0; i < gst_caps_get_size(result); ++i) {
      GstStructure *s = gst_caps_get_structure(result, i);
      gst_structure_set_name(s, this_type);
      if (this_side_plain) strip_caps_keying(s);
    }
  }
  if (peer) gst_caps_unref(peer);
  if (filter) {
    GstCaps *tmp = gst_caps_intersect_full(filter, result, GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref(result);
    result = tmp;
  }
  gst_query_set_caps_result(query, result);
  gst_caps_unref(result);
  return TRUE;
}

void post_message(GstElement *element, GstMessageType type, GstRtcError code, const std::string &text,
                  const char *function, int line) {
  gst_element_message_full(element, type, GST_RTC_ERROR, code, g_strdup(text.c_str()), nullptr, __FILE__,
                           function, line);
}

}  // namespace gst_rtc::srtp
