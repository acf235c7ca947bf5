// Character classes and number parsing shared by the SDP parser, the
// candidate parser and the engine. Not installed; not part of the contract.
//
// Everything is ASCII-only on purpose: SDP is ASCII on the wire and the
// <cctype> functions depend on the C locale.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace gst_rtc::jsep::text {

inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
inline bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
inline bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
// RFC 8839 ice-char.
inline bool is_ice_char(char c) {
  return is_alpha(c) || is_digit(c) || c == '+' || c == '/';
}
inline bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

inline char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
inline bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}
inline std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char &c : out) c = ascii_lower(c);
  return out;
}

// from_chars rejects signs and reports overflow, which is exactly the
// strictness an unsigned wire field needs.
template <class T>
std::optional<T> parse_uint(std::string_view s) {
  T v{};
  if (s.empty()) return std::nullopt;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// Keep error messages short and printable whatever the input was.
inline std::string clipped(std::string_view s, std::size_t max_len = 32) {
  return s.size() > max_len ? std::string(s.substr(0, max_len)) + "..." : std::string(s);
}
inline std::string quoted(std::string_view s) {
  return "\"" + clipped(s, 64) + "\"";
}

}  // namespace gst_rtc::jsep::text
