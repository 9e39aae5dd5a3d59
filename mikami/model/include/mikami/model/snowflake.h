// Discord snowflakes: 64-bit ids whose top 42 bits are milliseconds since the Discord epoch
// (2015-01-01T00:00:00Z). Each kind of id is its own type (UserId, GuildId, ...), so a role id
// can never be passed where a user id is expected; the wire form is a decimal string.
// Reference: https://discord.com/developers/docs/reference#snowflakes
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mikami::model {

inline constexpr std::int64_t kDiscordEpochMs = 1'420'070'400'000;

// Parses the decimal wire form. Fails with kInvalidArgument on anything that is not a
// non-empty run of digits fitting 64 bits.
core::Result<std::uint64_t> parse_snowflake(std::string_view text);

// A typed snowflake. The zero value means "absent" (Discord never issues id 0).
template <class Tag>
class Id {
 public:
  constexpr Id() = default;
  constexpr explicit Id(std::uint64_t value) : value_(value) {}

  constexpr std::uint64_t value() const { return value_; }
  constexpr bool is_set() const { return value_ != 0; }
  // When the id was created, in Unix milliseconds.
  constexpr std::int64_t timestamp_ms() const {
    return static_cast<std::int64_t>(value_ >> 22) + kDiscordEpochMs;
  }
  std::string to_string() const { return std::to_string(value_); }

  static core::Result<Id> parse(std::string_view text) {
    auto value = parse_snowflake(text);
    if (!value) return core::fail(value.error());
    return Id(*value);
  }

  friend constexpr auto operator<=>(Id, Id) = default;

 private:
  std::uint64_t value_ = 0;
};

using Snowflake = Id<struct AnyTag>;  // an id whose kind the context does not fix
using UserId = Id<struct UserTag>;
using GuildId = Id<struct GuildTag>;
using ChannelId = Id<struct ChannelTag>;
using RoleId = Id<struct RoleTag>;
using MessageId = Id<struct MessageTag>;
using ApplicationId = Id<struct ApplicationTag>;
using InteractionId = Id<struct InteractionTag>;
using CommandId = Id<struct CommandTag>;
using EmojiId = Id<struct EmojiTag>;
using AttachmentId = Id<struct AttachmentTag>;

// Reinterprets an id as another kind, where Discord says they coincide (the @everyone role
// has the guild's id; a mentionable option is a user or a role id).
template <class To, class From>
constexpr To id_cast(Id<From> id) {
  return To(id.value());
}

}  // namespace mikami::model

template <class Tag>
struct std::hash<mikami::model::Id<Tag>> {
  std::size_t operator()(mikami::model::Id<Tag> id) const noexcept {
    return std::hash<std::uint64_t>()(id.value());
  }
};
