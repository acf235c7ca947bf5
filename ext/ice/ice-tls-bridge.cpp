#define G_LOG_DOMAIN "rtcice"

#include "ice-tls-bridge.h"

namespace gst_rtc::ice {

namespace {

// One accepted libnice connection on its way to the server.
struct Link {
  GSocketConnection *local = nullptr;
  GIOStream *tls = nullptr;
  GSocketConnectable *server = nullptr;
  GTlsDatabase *database = nullptr;
  GCancellable *cancel = nullptr;

  ~Link() {
    if (tls) g_object_unref(tls);
    if (local) g_object_unref(local);
    if (server) g_object_unref(server);
    if (database) g_object_unref(database);
    if (cancel) g_object_unref(cancel);
  }
};

// A link whose server side failed stays open and silent: libnice 0.1.21
// never finishes gathering when its TURN/TCP connection is closed under it,
// but it does give up on an unanswered Allocate. What libnice sends is read
// and dropped until it closes or the bridge goes away (cancel).
void on_parked_read(GObject *stream, GAsyncResult *res, gpointer data) {
  std::unique_ptr<Link> link(static_cast<Link *>(data));
  GBytes *bytes = g_input_stream_read_bytes_finish(G_INPUT_STREAM(stream), res, nullptr);
  if (!bytes) return;  // cancelled or broken: done
  gsize n = g_bytes_get_size(bytes);
  g_bytes_unref(bytes);
  if (n == 0) return;  // libnice closed it
  Link *l = link.release();
  g_input_stream_read_bytes_async(G_INPUT_STREAM(stream), 4096, G_PRIORITY_DEFAULT, l->cancel, on_parked_read,
                                  l);
}

void park(std::unique_ptr<Link> link) {
  Link *l = link.release();
  g_input_stream_read_bytes_async(g_io_stream_get_input_stream(G_IO_STREAM(l->local)), 4096,
                                  G_PRIORITY_DEFAULT, l->cancel, on_parked_read, l);
}

void on_spliced(GObject *, GAsyncResult *res, gpointer data) {
  std::unique_ptr<Link> link(static_cast<Link *>(data));
  GError *err = nullptr;
  if (!g_io_stream_splice_finish(res, &err)) {
    g_debug("TURN TLS bridge link ended: %s", err->message);
    g_error_free(err);
  }
}

void on_handshake(GObject *, GAsyncResult *res, gpointer data) {
  std::unique_ptr<Link> link(static_cast<Link *>(data));
  GError *err = nullptr;
  if (!g_tls_connection_handshake_finish(G_TLS_CONNECTION(link->tls), res, &err)) {
    // libnice's allocation over this link fails; the candidate-error probe
    // reports why.
    g_debug("TURN TLS handshake failed: %s", err->message);
    g_error_free(err);
    park(std::move(link));
    return;
  }
  Link *l = link.release();
  g_io_stream_splice_async(
      G_IO_STREAM(l->local), l->tls,
      GIOStreamSpliceFlags(G_IO_STREAM_SPLICE_CLOSE_STREAM1 | G_IO_STREAM_SPLICE_CLOSE_STREAM2),
      G_PRIORITY_DEFAULT, l->cancel, on_spliced, l);
}

void on_connected(GObject *client, GAsyncResult *res, gpointer data) {
  std::unique_ptr<Link> link(static_cast<Link *>(data));
  GError *err = nullptr;
  GSocketConnection *tcp = g_socket_client_connect_finish(G_SOCKET_CLIENT(client), res, &err);
  if (!tcp) {
    g_debug("TURN TLS bridge cannot reach the server: %s", err->message);
    g_error_free(err);
    park(std::move(link));
    return;
  }
  link->tls = g_tls_client_connection_new(G_IO_STREAM(tcp), link->server, &err);
  g_object_unref(tcp);
  if (!link->tls) {
    g_debug("no TLS backend (glib-networking): %s", err->message);
    g_error_free(err);
    park(std::move(link));
    return;
  }
  if (link->database) g_tls_connection_set_database(G_TLS_CONNECTION(link->tls), link->database);
  Link *l = link.release();
  g_tls_connection_handshake_async(G_TLS_CONNECTION(l->tls), G_PRIORITY_DEFAULT, l->cancel, on_handshake, l);
}

}  // namespace

jsep::Result<GTlsDatabase *> tls_database_for(const std::string &ca_file) {
  GError *err = nullptr;
  if (ca_file.empty()) {
    GTlsBackend *backend = g_tls_backend_get_default();
    if (!g_tls_backend_supports_tls(backend))
      return jsep::make_error(jsep::ErrorCode::NotSupported,
                              "no TLS backend (install glib-networking) for turns:");
    return g_tls_backend_get_default_database(backend);
  }
  GTlsDatabase *db = g_tls_file_database_new(ca_file.c_str(), &err);
  if (!db) {
    std::string why = err ? err->message : "?";
    g_clear_error(&err);
    return jsep::make_error(jsep::ErrorCode::Operation, "turn-tls-ca-file " + ca_file + ": " + why);
  }
  return db;
}

jsep::Result<std::unique_ptr<TlsBridge>> TlsBridge::create(const std::string &server_ip,
                                                           std::uint16_t server_port,
                                                           const std::string &ca_file) {
  auto db = tls_database_for(ca_file);
  if (!db) return db.error();
  std::unique_ptr<TlsBridge> b(new TlsBridge());
  b->database_ = db.value();
  b->cancel_ = g_cancellable_new();
  if (GInetAddress *ip = g_inet_address_new_from_string(server_ip.c_str())) {
    b->server_ = G_SOCKET_CONNECTABLE(g_inet_socket_address_new(ip, server_port));
    g_object_unref(ip);
  } else {
    // A host name (IceAgent checked that it resolves): GSocketClient looks it
    // up asynchronously per connection, and TLS checks the certificate
    // against the name.
    b->server_ = g_network_address_new(server_ip.c_str(), server_port);
  }

  b->service_ = g_socket_service_new();
  GInetAddress *lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
  GSocketAddress *any = g_inet_socket_address_new(lo, 0);
  GSocketAddress *bound = nullptr;
  GError *err = nullptr;
  gboolean ok = g_socket_listener_add_address(G_SOCKET_LISTENER(b->service_), any, G_SOCKET_TYPE_STREAM,
                                              G_SOCKET_PROTOCOL_TCP, nullptr, &bound, &err);
  g_object_unref(any);
  g_object_unref(lo);
  if (!ok) {
    std::string why = err ? err->message : "?";
    g_clear_error(&err);
    return jsep::make_error(jsep::ErrorCode::Operation, "TURN TLS bridge cannot listen: " + why);
  }
  b->port_ = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
  g_object_unref(bound);
  g_signal_connect(b->service_, "incoming", G_CALLBACK(on_incoming), b.get());
  g_socket_service_start(b->service_);
  return b;
}

TlsBridge::~TlsBridge() {
  if (service_) {
    g_signal_handlers_disconnect_by_data(service_, this);
    g_socket_service_stop(service_);
    g_socket_listener_close(G_SOCKET_LISTENER(service_));
    g_object_unref(service_);
  }
  // Links in flight finish with G_IO_ERROR_CANCELLED and free themselves.
  if (cancel_) {
    g_cancellable_cancel(cancel_);
    g_object_unref(cancel_);
  }
  if (server_) g_object_unref(server_);
  if (database_) g_object_unref(database_);
}

gboolean TlsBridge::on_incoming(GSocketService *, GSocketConnection *conn, GObject *, gpointer data) {
  auto *self = static_cast<TlsBridge *>(data);
  auto *link = new Link();
  link->local = G_SOCKET_CONNECTION(g_object_ref(conn));
  link->server = G_SOCKET_CONNECTABLE(g_object_ref(self->server_));
  link->database = self->database_ ? G_TLS_DATABASE(g_object_ref(self->database_)) : nullptr;
  link->cancel = G_CANCELLABLE(g_object_ref(self->cancel_));
  GSocketClient *client = g_socket_client_new();
  g_socket_client_connect_async(client, self->server_, link->cancel, on_connected, link);
  g_object_unref(client);
  return TRUE;
}

}  // namespace gst_rtc::ice
