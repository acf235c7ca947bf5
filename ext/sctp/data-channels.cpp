#include "data-channels.h"

#include "dcep.h"

namespace gst_rtc::sctp {

namespace {

// Stream 65535 is reserved (RFC 8832 §6), so at most 65535 ids: 0..65534.
constexpr uint32_t kMaxStreamId = 65534;

dcep::ChannelType channel_type(const ChannelInit &init) {
  uint8_t t = init.max_retransmits ? 0x01 : init.max_packet_lifetime_ms ? 0x02 : 0x00;
  if (!init.ordered) t |= 0x80;
  return static_cast<dcep::ChannelType>(t);
}

}  // namespace

const char *to_string(ChannelState state) {
  switch (state) {
    case ChannelState::Connecting:
      return "connecting";
    case ChannelState::Open:
      return "open";
    case ChannelState::Closing:
      return "closing";
    case ChannelState::Closed:
      return "closed";
  }
  return "unknown";
}

Result<std::unique_ptr<DataChannels>> DataChannels::create(const AssociationConfig &config,
                                                           DataChannelCallbacks callbacks) {
  std::unique_ptr<DataChannels> self(new DataChannels);
  self->callbacks_ = std::move(callbacks);
  self->role_ = config.role;
  DataChannels *dc = self.get();
  AssociationCallbacks ac;
  ac.on_output = self->callbacks_.on_output;
  ac.on_probe = self->callbacks_.on_probe;
  ac.on_state = [dc](AssociationState state) {
    if (state == AssociationState::Connected) dc->handle_connected();
    if (state == AssociationState::Closed || state == AssociationState::Failed) {
      auto channels = std::move(dc->channels_);
      dc->channels_.clear();
      for (auto &[id, channel] : channels)
        if (dc->callbacks_.on_close) dc->callbacks_.on_close(id);
    }
    if (dc->callbacks_.on_state) dc->callbacks_.on_state(state);
  };
  ac.on_message = [dc](uint16_t stream, uint32_t ppid, std::vector<uint8_t> &&data) {
    dc->handle_message(stream, ppid, std::move(data));
  };
  ac.on_incoming_reset = [dc](uint16_t stream) { dc->handle_incoming_reset(stream); };
  ac.on_outgoing_reset = [dc](uint16_t stream) { dc->handle_outgoing_reset(stream); };
  ac.on_buffered_amount_low = [dc](uint16_t stream) {
    if (dc->callbacks_.on_buffered_amount_low) dc->callbacks_.on_buffered_amount_low(stream);
  };
  ac.on_discarded = [dc](uint16_t stream, std::size_t size) {
    if (dc->callbacks_.on_protocol_error)
      dc->callbacks_.on_protocol_error(
          stream, "a message of " + std::to_string(size) + " bytes exceeds our max-message-size; dropped");
  };
  auto association = Association::create(config, std::move(ac));
  if (!association) return association.error();
  self->association_ = std::move(association).value();
  return self;
}

DataChannels::~DataChannels() = default;

std::size_t DataChannels::max_channels() const {
  if (association_->state() == AssociationState::Connected)
    return std::min(association_->outbound_streams(), association_->inbound_streams());
  return std::min<std::size_t>(association_->config().streams, kMaxStreamId + 1);
}

SendOptions DataChannels::options_for(const ChannelInfo &info) const {
  SendOptions o;
  o.ordered = info.ordered;
  o.max_retransmits = info.max_retransmits;
  o.max_packet_lifetime_ms = info.max_packet_lifetime_ms;
  return o;
}

Result<uint16_t> DataChannels::open_channel(const ChannelInit &init) {
  if (init.max_retransmits && init.max_packet_lifetime_ms)
    return jsep::make_error(ErrorCode::Type, "max-retransmits and max-packet-lifetime are exclusive");
  if (init.label.size() > 0xffff || init.protocol.size() > 0xffff)
    return jsep::make_error(ErrorCode::Type, "label and protocol are limited to 65535 bytes");
  auto lock = association_->lock();
  const std::size_t limit = max_channels();
  uint32_t id;
  if (init.negotiated_id) {
    id = *init.negotiated_id;
    if (id > kMaxStreamId || id >= limit)
      return jsep::make_error(ErrorCode::Operation, "id " + std::to_string(id) + " beyond the stream count");
    if (channels_.count(static_cast<uint16_t>(id)))
      return jsep::make_error(ErrorCode::Operation, "id " + std::to_string(id) + " in use");
  } else {
    id = role_ == Role::Client ? 0 : 1;
    while (id < limit && channels_.count(static_cast<uint16_t>(id))) id += 2;
    if (id >= limit) return jsep::make_error(ErrorCode::Operation, "no data channel id left");
  }
  Channel channel;
  channel.info.id = static_cast<uint16_t>(id);
  channel.info.label = init.label;
  channel.info.protocol = init.protocol;
  channel.info.ordered = init.ordered;
  channel.info.max_retransmits = init.max_retransmits;
  channel.info.max_packet_lifetime_ms = init.max_packet_lifetime_ms;
  channel.info.priority = init.priority;
  channel.info.negotiated = init.negotiated_id.has_value();
  auto &stored = channels_[channel.info.id] = std::move(channel);
  if (association_->state() == AssociationState::Connected) announce(stored);
  return static_cast<uint16_t>(id);
}

void DataChannels::mark_open(Channel &channel) {
  if (channel.info.state != ChannelState::Connecting) return;
  channel.info.state = ChannelState::Open;
  if (callbacks_.on_open) callbacks_.on_open(channel.info.id);
}

void DataChannels::announce(Channel &channel) {
  if (channel.info.negotiated) {
    mark_open(channel);
    return;
  }
  dcep::Open open;
  open.channel_type = channel_type({.ordered = channel.info.ordered,
                                    .max_retransmits = channel.info.max_retransmits,
                                    .max_packet_lifetime_ms = channel.info.max_packet_lifetime_ms});
  open.priority = channel.info.priority;
  open.reliability = channel.info.max_retransmits          ? *channel.info.max_retransmits
                     : channel.info.max_packet_lifetime_ms ? *channel.info.max_packet_lifetime_ms
                                                           : 0;
  open.label = channel.info.label;
  open.protocol = channel.info.protocol;
  auto bytes = dcep::encode(open);
  // RFC 8832 §6: the OPEN goes ordered and reliable whatever the channel is.
  if (!bytes || !association_->send(channel.info.id, Ppid::Dcep, *bytes)) {
    const uint16_t id = channel.info.id;
    channels_.erase(id);
    if (callbacks_.on_close) callbacks_.on_close(id);
  }
}

void DataChannels::handle_connected() {
  const std::size_t limit = max_channels();
  std::vector<uint16_t> ids;
  for (auto &[id, channel] : channels_) ids.push_back(id);
  for (uint16_t id : ids) {
    auto it = channels_.find(id);
    if (it == channels_.end()) continue;
    if (id >= limit) {
      // Fewer streams were negotiated than this id needs.
      channels_.erase(it);
      if (callbacks_.on_close) callbacks_.on_close(id);
      continue;
    }
    announce(it->second);
  }
}

void DataChannels::handle_message(uint16_t stream, uint32_t ppid, std::vector<uint8_t> &&data) {
  if (ppid == static_cast<uint32_t>(Ppid::Dcep)) {
    handle_dcep(stream, data);
    return;
  }
  MessageKind kind;
  switch (static_cast<Ppid>(ppid)) {
    case Ppid::String:
      kind = MessageKind::String;
      break;
    case Ppid::Binary:
      kind = MessageKind::Binary;
      break;
    case Ppid::StringEmpty:
      kind = MessageKind::String;
      data.clear();
      break;
    case Ppid::BinaryEmpty:
      kind = MessageKind::Binary;
      data.clear();
      break;
    default:
      return;  // deprecated partial-message ppids (52, 54) and unknown ones
  }
  auto it = channels_.find(stream);
  if (it == channels_.end()) return;
  Channel &channel = it->second;
  // Data before the ACK acknowledges implicitly (RFC 8832 §6): the peer only
  // sends once it has taken the OPEN.
  if (channel.info.state == ChannelState::Connecting && !channel.info.negotiated) mark_open(channel);
  if (channel.info.state != ChannelState::Open && channel.info.state != ChannelState::Closing) return;
  if (callbacks_.on_message) callbacks_.on_message(stream, kind, std::move(data));
}

void DataChannels::handle_dcep(uint16_t stream, std::span<const uint8_t> data) {
  auto message = dcep::parse(data);
  if (!message) {
    // Hostile or broken peer: ignore the message, keep the association.
    if (callbacks_.on_protocol_error) callbacks_.on_protocol_error(stream, message.error().message);
    return;
  }
  if (message->type == dcep::MessageType::Ack) {
    auto it = channels_.find(stream);
    if (it != channels_.end() && !it->second.info.negotiated) mark_open(it->second);
    return;
  }
  const dcep::Open &open = message->open;
  // The opener uses its own parity; an OPEN on one of ours (or a reused id)
  // is a protocol violation we do not act on.
  const bool ours = (stream % 2 == 0) == (role_ == Role::Client);
  if (ours || channels_.count(stream) || stream > kMaxStreamId) {
    if (callbacks_.on_protocol_error)
      callbacks_.on_protocol_error(stream, "DATA_CHANNEL_OPEN on stream " + std::to_string(stream) +
                                               (ours ? ", an id of our parity" : ", an id in use"));
    return;
  }
  Channel channel;
  channel.info.id = stream;
  channel.info.label = open.label;
  channel.info.protocol = open.protocol;
  channel.info.ordered = dcep::is_ordered(open.channel_type);
  channel.info.priority = open.priority;
  switch (static_cast<uint8_t>(open.channel_type) & 0x7f) {
    case 0x01:
      channel.info.max_retransmits = static_cast<uint16_t>(std::min<uint32_t>(open.reliability, 0xffff));
      break;
    case 0x02:
      channel.info.max_packet_lifetime_ms = open.reliability;
      break;
    default:
      break;
  }
  channel.info.state = ChannelState::Open;
  auto &stored = channels_[stream] = std::move(channel);
  auto ack = dcep::encode(dcep::Ack{});
  if (!association_->send(stream, Ppid::Dcep, ack)) {
    channels_.erase(stream);
    return;
  }
  if (callbacks_.on_channel) callbacks_.on_channel(stored.info);
}

Status DataChannels::send(uint16_t id, MessageKind kind, std::span<const uint8_t> data,
                          std::shared_ptr<const void> owner) {
  auto lock = association_->lock();
  auto it = channels_.find(id);
  if (it == channels_.end() || it->second.info.state != ChannelState::Open)
    return jsep::make_error(ErrorCode::InvalidState, "data channel " + std::to_string(id) + " is not open");
  Ppid ppid = kind == MessageKind::String ? (data.empty() ? Ppid::StringEmpty : Ppid::String)
                                          : (data.empty() ? Ppid::BinaryEmpty : Ppid::Binary);
  return association_->send(id, ppid, data, options_for(it->second.info), std::move(owner));
}

Status DataChannels::send_string(uint16_t id, std::string_view text) {
  return send(id, MessageKind::String,
              std::span<const uint8_t>(reinterpret_cast<const uint8_t *>(text.data()), text.size()));
}

Status DataChannels::close_channel(uint16_t id) {
  auto lock = association_->lock();
  auto it = channels_.find(id);
  if (it == channels_.end())
    return jsep::make_error(ErrorCode::InvalidState, "no data channel " + std::to_string(id));
  Channel &channel = it->second;
  if (channel.info.state == ChannelState::Closing || channel.info.state == ChannelState::Closed) return Ok{};
  if (association_->state() != AssociationState::Connected) {
    finish_close(id);
    return Ok{};
  }
  channel.info.state = ChannelState::Closing;
  return association_->reset_stream(id);
}

void DataChannels::handle_incoming_reset(uint16_t stream) {
  auto it = channels_.find(stream);
  if (it == channels_.end()) return;
  Channel &channel = it->second;
  channel.incoming_reset = true;
  if (channel.info.state != ChannelState::Closing) {
    // RFC 8831 §6.7: answer the peer's reset with ours.
    channel.info.state = ChannelState::Closing;
    if (callbacks_.on_closing) callbacks_.on_closing(stream);
    (void)association_->reset_stream(stream);
  }
  if (channel.outgoing_reset) finish_close(stream);
}

void DataChannels::handle_outgoing_reset(uint16_t stream) {
  auto it = channels_.find(stream);
  if (it == channels_.end()) return;
  it->second.outgoing_reset = true;
  if (it->second.incoming_reset) finish_close(stream);
}

void DataChannels::finish_close(uint16_t id) {
  channels_.erase(id);
  if (callbacks_.on_close) callbacks_.on_close(id);
}

std::optional<ChannelInfo> DataChannels::channel(uint16_t id) const {
  auto lock = association_->lock();
  auto it = channels_.find(id);
  if (it == channels_.end()) return std::nullopt;
  return it->second.info;
}

}  // namespace gst_rtc::sctp
