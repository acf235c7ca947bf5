// Data channels over one SCTP association (RFC 8831) with in-band
// negotiation (DCEP, RFC 8832) or out-of-band `negotiated` ids. This is the
// engine the rtcsctpenc/rtcsctpdec elements and the GstRtcDataChannel
// subclass will drive; it knows nothing of GStreamer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sctp-association.h"

namespace gst_rtc::sctp {

enum class ChannelState { Connecting, Open, Closing, Closed };

const char *to_string(ChannelState state);

enum class MessageKind { String, Binary };

struct ChannelInit {
  std::string label;
  std::string protocol;
  bool ordered = true;
  // At most one of the two; unset means reliable.
  std::optional<uint16_t> max_retransmits;
  std::optional<uint32_t> max_packet_lifetime_ms;
  uint16_t priority = 256;
  // Set: negotiated out of band with this id, no DCEP.
  std::optional<uint16_t> negotiated_id;
};

struct ChannelInfo {
  uint16_t id = 0;
  std::string label;
  std::string protocol;
  bool ordered = true;
  std::optional<uint16_t> max_retransmits;
  std::optional<uint32_t> max_packet_lifetime_ms;
  uint16_t priority = 0;
  bool negotiated = false;
  ChannelState state = ChannelState::Connecting;
};

// Like AssociationCallbacks: they run under the association's lock, on
// usrsctp's thread or inside a call into the engine; they may call back into
// the engine but must not block.
struct DataChannelCallbacks {
  std::function<void(const uint8_t *data, std::size_t size)> on_output;
  // Path MTU probes (AssociationCallbacks::on_probe); unset: on_output.
  std::function<void(const uint8_t *data, std::size_t size)> on_probe;
  std::function<void(AssociationState)> on_state;
  // The peer opened a channel with DATA_CHANNEL_OPEN (already acknowledged).
  std::function<void(const ChannelInfo &)> on_channel;
  // A channel we opened is open (ACK received, or negotiated and connected).
  std::function<void(uint16_t id)> on_open;
  std::function<void(uint16_t id, MessageKind kind, std::vector<uint8_t> &&data)> on_message;
  // The peer reset its side of a channel we had not closed ourselves: the
  // channel is closing (W3C `closing`); on_close follows.
  std::function<void(uint16_t id)> on_closing;
  // Both directions of the channel's stream are reset; the id is free again.
  std::function<void(uint16_t id)> on_close;
  std::function<void(uint16_t id)> on_buffered_amount_low;
  // The peer broke the rules on `stream` (malformed DCEP, OPEN on one of
  // our ids or on an id in use, a message above our max-message-size); the
  // message was ignored.
  std::function<void(uint16_t stream, const std::string &why)> on_protocol_error;
};

class DataChannels {
 public:
  static Result<std::unique_ptr<DataChannels>> create(const AssociationConfig &config,
                                                      DataChannelCallbacks callbacks);
  ~DataChannels();
  DataChannels(const DataChannels &) = delete;
  DataChannels &operator=(const DataChannels &) = delete;

  Status connect() { return association_->connect(); }
  void feed(const uint8_t *data, std::size_t size) { association_->feed(data, size); }

  // Picks an id by DTLS role (client even, server odd; RFC 8832 §6) unless
  // the channel is negotiated. Channels opened before the association is up
  // are announced when it comes up. Errors: Type (bad options), Operation
  // (id in use or none left).
  Result<uint16_t> open_channel(const ChannelInit &init);
  // Errors: InvalidState (channel not open), Type (remote max-message-size).
  // `owner`: as for Association::send (no copy of a message that waits).
  Status send(uint16_t id, MessageKind kind, std::span<const uint8_t> data,
              std::shared_ptr<const void> owner = nullptr);
  Status send_string(uint16_t id, std::string_view text);
  // Resets the channel's outgoing stream; on_close follows once the peer has
  // reset its side too.
  Status close_channel(uint16_t id);

  std::optional<ChannelInfo> channel(uint16_t id) const;
  std::size_t buffered_amount(uint16_t id) const { return association_->buffered_amount(id); }
  void set_buffered_amount_low_threshold(uint16_t id, std::size_t threshold) {
    association_->set_buffered_amount_low_threshold(id, threshold);
  }
  // Ids usable for channels: the negotiated stream count once connected.
  std::size_t max_channels() const;
  // What the peer advertised (a=max-message-size) may change with a new
  // remote description; 0 means no limit.
  void set_remote_max_message_size(std::size_t size) { association_->set_remote_max_message_size(size); }
  AssociationState state() const { return association_->state(); }
  std::size_t path_mtu() const { return association_->path_mtu(); }
  Association &association() { return *association_; }

 private:
  struct Channel {
    ChannelInfo info;
    bool incoming_reset = false;
    bool outgoing_reset = false;
  };

  DataChannels() = default;
  SendOptions options_for(const ChannelInfo &info) const;
  void announce(Channel &channel);
  void handle_connected();
  void handle_message(uint16_t stream, uint32_t ppid, std::vector<uint8_t> &&data);
  void handle_dcep(uint16_t stream, std::span<const uint8_t> data);
  void handle_incoming_reset(uint16_t stream);
  void handle_outgoing_reset(uint16_t stream);
  void finish_close(uint16_t id);
  void mark_open(Channel &channel);

  DataChannelCallbacks callbacks_;
  Role role_ = Role::Client;
  // Guarded by association_->lock().
  std::map<uint16_t, Channel> channels_;
  // Last: destroyed first, so no association callback outlives the state above.
  std::unique_ptr<Association> association_;
};

}  // namespace gst_rtc::sctp
