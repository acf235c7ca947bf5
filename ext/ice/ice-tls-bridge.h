// TURN over TLS (turns:) for libnice 0.1.21, whose TURN-TLS relay type does
// not speak TLS (it is a Google/MS "pseudo-SSL" framing: a real turns:
// server drops it). The bridge listens on 127.0.0.1, libnice allocates over
// plain TURN/TCP to it, and every accepted connection is spliced to a real
// TLS connection (GIO, certificate checked against the system trust store
// or a given CA file, server identity = the URL's IP or host name) to the
// TURN server.
// Everything runs on the network thread's main context.
#pragma once

#include <gio/gio.h>

#include <cstdint>
#include <memory>
#include <string>

#include "result.h"

namespace gst_rtc::ice {

class TlsBridge {
 public:
  // Must run on the thread whose thread-default context serves the agent.
  static jsep::Result<std::unique_ptr<TlsBridge>> create(const std::string &server_ip,  // or a host name
                                                         std::uint16_t server_port,
                                                         const std::string &ca_file);
  ~TlsBridge();
  TlsBridge(const TlsBridge &) = delete;
  TlsBridge &operator=(const TlsBridge &) = delete;

  // The loopback port libnice should use as its TURN/TCP server.
  std::uint16_t port() const { return port_; }

 private:
  TlsBridge() = default;
  static gboolean on_incoming(GSocketService *service, GSocketConnection *conn, GObject *source,
                              gpointer self);

  GSocketService *service_ = nullptr;
  GCancellable *cancel_ = nullptr;
  GSocketConnectable *server_ = nullptr;
  GTlsDatabase *database_ = nullptr;  // null = system default
  std::uint16_t port_ = 0;
};

// The TLS database for `ca_file` (empty: the system default), or an error.
jsep::Result<GTlsDatabase *> tls_database_for(const std::string &ca_file);

}  // namespace gst_rtc::ice
