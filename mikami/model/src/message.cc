#include "mikami/model/message.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "fields.h"

namespace mikami::model {

namespace json = boost::json;

core::Result<Message> parse_message(const json::value& v) {
  detail::Fields f(v, "message");
  Message m;
  f.id("id", m.id, detail::Need::kRequired);
  f.id("channel_id", m.channel_id, detail::Need::kRequired);
  f.id("guild_id", m.guild_id);
  f.child(
      "author", m.author, [](const json::value& a) { return parse_user(a); },
      detail::Need::kRequired);
  f.child("member", m.member, [](const json::value& a) { return parse_member(a); });
  f.string("content", m.content);
  f.string("timestamp", m.timestamp);
  f.string("edited_timestamp", m.edited_timestamp);
  f.boolean("tts", m.tts);
  f.boolean("mention_everyone", m.mention_everyone);
  f.list("mentions", m.mentions, [](const json::value& u) -> core::Result<UserId> {
    auto user = parse_user(u);
    if (!user) return core::fail(user.error());
    return user->id;
  });
  f.ids("mention_roles", m.mention_roles);
  f.list("embeds", m.embeds, [](const json::value& e) { return parse_embed(e); });
  f.list("components", m.components, [](const json::value& c) { return parse_component(c); });
  f.integer("type", m.type);
  f.integer("flags", m.flags);
  if (const auto* ref = f.get("message_reference"); ref && f.ok()) {
    detail::Fields r(*ref, "message.message_reference");
    r.id("message_id", m.referenced_message_id);
    if (!r.ok()) return r.finish(std::move(m));
  }
  f.id("webhook_id", m.webhook_id);
  return f.finish(std::move(m));
}

MessageCreate& MessageCreate::content(std::string text) {
  content_ = std::move(text);
  return *this;
}
MessageCreate& MessageCreate::add_embed(Embed embed) {
  embeds_.push_back(std::move(embed));
  return *this;
}
MessageCreate& MessageCreate::add_row(std::vector<Component> row) {
  components_.push_back(Component::action_row(std::move(row)));
  return *this;
}
MessageCreate& MessageCreate::add_component(Component top_level) {
  components_.push_back(std::move(top_level));
  return *this;
}
MessageCreate& MessageCreate::ephemeral(bool on) {
  flags_ = on ? flags_ | kMessageFlagEphemeral : flags_ & ~kMessageFlagEphemeral;
  return *this;
}
MessageCreate& MessageCreate::flags(std::uint32_t flags) {
  flags_ = flags;
  return *this;
}
MessageCreate& MessageCreate::tts(bool on) {
  tts_ = on;
  return *this;
}
MessageCreate& MessageCreate::allowed_mentions(AllowedMentions mentions) {
  allowed_mentions_ = std::move(mentions);
  return *this;
}
MessageCreate& MessageCreate::reply_to(MessageId message, bool fail_if_not_exists) {
  reply_to_ = message;
  fail_if_not_exists_ = fail_if_not_exists;
  return *this;
}

core::Status MessageCreate::validate() const {
  if (const std::size_t n = detail::code_points(content_); n > kMessageContentMax) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "message content has " + std::to_string(n) + " characters; Discord allows " +
                          std::to_string(kMessageContentMax));
  }
  if (embeds_.size() > kMessageEmbedsMax) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "message has " + std::to_string(embeds_.size()) + " embeds; Discord allows " +
                          std::to_string(kMessageEmbedsMax));
  }
  std::size_t total = 0;
  for (std::size_t i = 0; i < embeds_.size(); ++i) {
    if (auto status = validate_embed(embeds_[i]); !status) {
      return core::fail(status.error().with_context("embed " + std::to_string(i)));
    }
    total += embeds_[i].text_length();
  }
  if (total > kEmbedTotalMax) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "the message's embeds total " + std::to_string(total) +
                          " characters; Discord allows " + std::to_string(kEmbedTotalMax));
  }
  if (components_.size() > kMessageActionRowsMax) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "message has " + std::to_string(components_.size()) +
                          " action rows; Discord allows " + std::to_string(kMessageActionRowsMax));
  }
  if (content_.empty() && embeds_.empty() && components_.empty()) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "message has no content, embeds or components");
  }
  return core::ok_status();
}

json::object MessageCreate::to_json_object() const {
  json::object o;
  if (!content_.empty()) o["content"] = content_;
  if (tts_) o["tts"] = true;
  if (!embeds_.empty()) {
    json::array embeds;
    for (const Embed& e : embeds_) embeds.push_back(embed_to_json(e));
    o["embeds"] = std::move(embeds);
  }
  if (!components_.empty()) {
    json::array components;
    for (const Component& c : components_) components.push_back(component_to_json(c));
    o["components"] = std::move(components);
  }
  if (flags_ != 0) o["flags"] = flags_;
  json::object mentions;
  json::array parse;
  if (allowed_mentions_.users) parse.push_back("users");
  if (allowed_mentions_.roles) parse.push_back("roles");
  if (allowed_mentions_.everyone) parse.push_back("everyone");
  mentions["parse"] = std::move(parse);
  if (!allowed_mentions_.user_ids.empty()) {
    json::array users;
    for (UserId id : allowed_mentions_.user_ids) users.push_back(json::value(id.to_string()));
    mentions["users"] = std::move(users);
  }
  if (!allowed_mentions_.role_ids.empty()) {
    json::array roles;
    for (RoleId id : allowed_mentions_.role_ids) roles.push_back(json::value(id.to_string()));
    mentions["roles"] = std::move(roles);
  }
  if (allowed_mentions_.replied_user) mentions["replied_user"] = true;
  o["allowed_mentions"] = std::move(mentions);
  if (reply_to_.is_set()) {
    o["message_reference"] = json::object{{"message_id", reply_to_.to_string()},
                                          {"fail_if_not_exists", fail_if_not_exists_}};
  }
  return o;
}

std::string MessageCreate::to_json() const { return json::serialize(to_json_object()); }

}  // namespace mikami::model
