#include "mikami/gateway_codec.h"

#include <algorithm>
#include <boost/json.hpp>
#include <utility>

namespace mikami {
namespace json = boost::json;
namespace {

core::Error invalid(std::string what) {
  return core::Error(core::ErrorCode::kInvalidArgument, "gateway payload: " + std::move(what));
}

const json::string* string_field(const json::object& object, std::string_view key) {
  auto it = object.find(key);
  if (it == object.end()) return nullptr;
  return it->value().if_string();
}

// Parses one payload into an arena of its own: a parsed tree is many small nodes that all
// die together, so a bump allocator sized from the text replaces one malloc per node, and
// the tree can still travel (the arena is reference counted by the values using it). The
// parser is kept per thread (a connection's reader) so its internal stack is reused.
json::value parse_into_arena(std::string_view text, boost::system::error_code& error) {
  thread_local json::parser parser;
  constexpr std::size_t kMinArena = 4 * 1024;
  parser.reset(
      json::make_shared_resource<json::monotonic_resource>(std::max(kMinArena, 2 * text.size())));
  parser.write(text.data(), text.size(), error);
  if (error) {
    parser.reset();
    return nullptr;
  }
  json::value root = parser.release();
  parser.reset();  // drop the parser's reference to this payload's arena
  return root;
}

}  // namespace

core::Result<InboundPayload> decode_gateway_payload(std::string_view text) {
  boost::system::error_code error;
  json::value root = parse_into_arena(text, error);
  if (error) return core::fail(invalid("not JSON (" + error.message() + ")"));
  json::object* object = root.if_object();
  if (object == nullptr) return core::fail(invalid("not a JSON object"));
  InboundPayload payload;
  auto op = object->find("op");
  if (op == object->end() || !op->value().is_int64()) {
    return core::fail(invalid("missing integer \"op\""));
  }
  payload.op = static_cast<GatewayOp>(op->value().as_int64());
  if (auto s = object->find("s"); s != object->end() && s->value().is_int64()) {
    payload.sequence = s->value().as_int64();
  }
  if (const json::string* t = string_field(*object, "t")) payload.event_name = std::string(*t);
  json::value* d = object->if_contains("d");
  switch (payload.op) {
    case GatewayOp::kHello: {
      const json::object* data = d ? d->if_object() : nullptr;
      const json::value* interval = data ? data->if_contains("heartbeat_interval") : nullptr;
      if (interval == nullptr || !interval->is_number()) {
        return core::fail(invalid("HELLO without heartbeat_interval"));
      }
      boost::system::error_code number_error;
      auto ms = interval->to_number<std::int64_t>(number_error);
      if (number_error || ms <= 0) return core::fail(invalid("bad heartbeat_interval"));
      payload.heartbeat_interval = std::chrono::milliseconds(ms);
      break;
    }
    case GatewayOp::kInvalidSession:
      payload.resumable = d != nullptr && d->is_bool() && d->as_bool();
      break;
    case GatewayOp::kDispatch:
      if (payload.event_name == "READY") {
        const json::object* data = d ? d->if_object() : nullptr;
        const json::string* session = data ? string_field(*data, "session_id") : nullptr;
        if (session == nullptr) return core::fail(invalid("READY without session_id"));
        payload.session_id = std::string(*session);
        if (const json::string* url = string_field(*data, "resume_gateway_url")) {
          payload.resume_gateway_url = std::string(*url);
        }
      }
      // Moved out, not serialised: the move constructor keeps d's arena (an assignment
      // into payload.data would copy it into another storage).
      if (d != nullptr) {
        InboundPayload dispatch{payload.op,
                                payload.sequence,
                                std::move(payload.event_name),
                                payload.heartbeat_interval,
                                payload.resumable,
                                std::move(payload.session_id),
                                std::move(payload.resume_gateway_url),
                                std::move(*d)};
        return dispatch;
      }
      break;
    default:
      break;
  }
  return payload;
}

std::string encode_gateway_payload(const SendAction& action, std::string_view token) {
  json::object root;
  switch (action.kind) {
    case OutboundKind::kHeartbeat:
      root["op"] = static_cast<int>(GatewayOp::kHeartbeat);
      if (action.sequence) {
        root["d"] = *action.sequence;
      } else {
        root["d"] = nullptr;
      }
      break;
    case OutboundKind::kIdentify: {
      root["op"] = static_cast<int>(GatewayOp::kIdentify);
      json::object d;
      d["token"] = token;
      d["intents"] = action.intents;
      d["shard"] = json::array{action.shard_id, action.shard_count};
      d["properties"] = json::object{{"os", "linux"}, {"browser", "mikami"}, {"device", "mikami"}};
      d["compress"] = false;
      root["d"] = std::move(d);
      break;
    }
    case OutboundKind::kResume: {
      root["op"] = static_cast<int>(GatewayOp::kResume);
      json::object d;
      d["token"] = token;
      d["session_id"] = action.session_id;
      d["seq"] = action.sequence.value_or(0);
      root["d"] = std::move(d);
      break;
    }
    case OutboundKind::kUser:
      return action.payload;
  }
  return json::serialize(root);
}

}  // namespace mikami
