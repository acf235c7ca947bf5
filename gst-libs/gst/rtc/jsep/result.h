// Typed results for the sans-IO JSEP core: a value or an Error, never an
// exception. The GObject layer maps ErrorCode 1:1 onto GstRtcError.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <variant>

namespace gst_rtc::jsep {

// Mirrors GstRtcError (gst-libs/gst/rtc/rtc-error.h) value for value.
enum class ErrorCode {
  InvalidState = 0,
  InvalidAccess,
  InvalidModification,
  Operation,
  Syntax,
  NotSupported,
  Type,
  DtlsFailure,
  FingerprintFailure,
  SctpFailure,
  DataChannelFailure,
};

struct Error {
  ErrorCode code = ErrorCode::Operation;
  std::string message;
  // 1-based SDP line the error refers to; 0 when it is not about one line.
  std::size_t line = 0;

  // "line 7: a=rtpmap: payload type 300 out of range" or just the message.
  std::string describe() const {
    return line ? "line " + std::to_string(line) + ": " + message : message;
  }
};

inline Error make_error(ErrorCode code, std::string message, std::size_t line = 0) {
  return Error{code, std::move(message), line};
}

// A small std::expected stand-in (g++ 12 has no <expected>).
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T &value() & { return std::get<0>(v_); }
  const T &value() const & { return std::get<0>(v_); }
  T &&value() && { return std::get<0>(std::move(v_)); }
  T *operator->() { return &value(); }
  const T *operator->() const { return &value(); }
  T &operator*() & { return value(); }
  const T &operator*() const & { return value(); }

  const Error &error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success carries nothing.
struct Ok {};
using Status = Result<Ok>;

}  // namespace gst_rtc::jsep
