/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal to libgstrtc (not installed): debug category, RAII ref holders and
 * small helpers shared by the object implementations.
 */
#pragma once

#include <gst/gst.h>

#include <mutex>
#include <optional>
#include <string>
#include <utility>

G_BEGIN_DECLS
GST_DEBUG_CATEGORY_EXTERN(gst_rtc_lib_debug);
G_END_DECLS

namespace gst_rtc::lib {

// Registers the "rtclib" debug category once; every class_init calls it.
void init_debug();

// In class_init, name GStreamer boxed types by gst_caps_get_type() /
// gst_structure_get_type(): GST_TYPE_CAPS and GST_TYPE_STRUCTURE are 0 until
// gst_init(), which the GIR scanner's dump program never calls.

// Param and signal flag sets, spelled once (C++ does not OR C enums).
inline constexpr GParamFlags kReadable = GParamFlags(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
inline constexpr GParamFlags kReadWrite =
    GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
inline constexpr GParamFlags kConstructOnly =
    GParamFlags(G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
inline constexpr GSignalFlags kActionSignal = GSignalFlags(G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION);

// A strong reference to a GObject (GstObject included). Copy refs, move
// steals, destruction unrefs.
template <class T>
class ObjectRef {
 public:
  ObjectRef() = default;
  ObjectRef(const ObjectRef &o) : p_(o.p_) {
    if (p_) g_object_ref(p_);
  }
  ObjectRef(ObjectRef &&o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  ObjectRef &operator=(ObjectRef o) noexcept {
    std::swap(p_, o.p_);
    return *this;
  }
  ~ObjectRef() {
    if (p_) g_object_unref(p_);
  }

  // Takes a new reference (transfer none).
  static ObjectRef ref(T *p) {
    ObjectRef r;
    r.p_ = p ? static_cast<T *>(g_object_ref(p)) : nullptr;
    return r;
  }
  // Adopts a reference the caller owns (transfer full). A floating
  // GstObject/GInitiallyUnowned is sunk so we own it either way.
  static ObjectRef adopt(T *p) {
    ObjectRef r;
    if (p && g_object_is_floating(p)) g_object_ref_sink(p);
    r.p_ = p;
    return r;
  }

  T *get() const { return p_; }
  // A new reference for a transfer-full return.
  T *dup() const { return p_ ? static_cast<T *>(g_object_ref(p_)) : nullptr; }
  explicit operator bool() const { return p_ != nullptr; }
  bool operator==(const T *o) const { return p_ == o; }

 private:
  T *p_ = nullptr;
};

// A GstCaps reference.
class CapsRef {
 public:
  CapsRef() = default;
  explicit CapsRef(GstCaps *adopted) : p_(adopted) {}
  CapsRef(const CapsRef &o) : p_(o.p_ ? gst_caps_ref(o.p_) : nullptr) {}
  CapsRef &operator=(CapsRef o) noexcept {
    std::swap(p_, o.p_);
    return *this;
  }
  ~CapsRef() {
    if (p_) gst_caps_unref(p_);
  }
  GstCaps *get() const { return p_; }

 private:
  GstCaps *p_ = nullptr;
};

// An owned GstStructure.
class StructureBox {
 public:
  StructureBox() = default;
  explicit StructureBox(GstStructure *adopted) : p_(adopted) {}
  StructureBox(const StructureBox &o) : p_(o.p_ ? gst_structure_copy(o.p_) : nullptr) {}
  StructureBox &operator=(StructureBox o) noexcept {
    std::swap(p_, o.p_);
    return *this;
  }
  ~StructureBox() {
    if (p_) gst_structure_free(p_);
  }
  const GstStructure *get() const { return p_; }
  GstStructure *get_mutable() { return p_; }
  GstStructure *copy() const { return p_ ? gst_structure_copy(p_) : nullptr; }
  // Gives up ownership (transfer full to the caller).
  GstStructure *release() { return std::exchange(p_, nullptr); }

 private:
  GstStructure *p_ = nullptr;
};

// A GError that is freed at scope exit.
class ErrorBox {
 public:
  ErrorBox() = default;
  ErrorBox(const ErrorBox &) = delete;
  ErrorBox &operator=(const ErrorBox &) = delete;
  ~ErrorBox() { g_clear_error(&e_); }
  GError **out() { return &e_; }
  GError *get() const { return e_; }
  // Gives up ownership (transfer full to the caller).
  GError *steal() { return std::exchange(e_, nullptr); }

 private:
  GError *e_ = nullptr;
};

// std::optional<std::string> <-> nullable C string.
inline std::optional<std::string> opt_string(const gchar *s) {
  return s ? std::optional<std::string>(s) : std::nullopt;
}
inline const gchar *c_str(const std::optional<std::string> &s) {
  return s ? s->c_str() : nullptr;
}

// Stores `value` under `lock` and reports whether it changed, so that the
// caller can notify after releasing the lock.
template <class T, class U>
bool store(std::mutex &lock, T &field, U &&value) {
  std::lock_guard<std::mutex> guard(lock);
  if (field == value) return false;
  field = std::forward<U>(value);
  return true;
}

}  // namespace gst_rtc::lib
