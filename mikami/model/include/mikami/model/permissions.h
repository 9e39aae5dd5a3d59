// Discord's permission bit set, with Discord's names. On the wire a permission set is a
// decimal string (it exceeds 53 bits, so JSON numbers cannot hold it).
// Reference:
// https://discord.com/developers/docs/topics/permissions#permissions-bitwise-permission-flags
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace mikami::model {

enum class Permission : std::uint64_t {
  kCreateInstantInvite = 1ULL << 0,
  kKickMembers = 1ULL << 1,
  kBanMembers = 1ULL << 2,
  kAdministrator = 1ULL << 3,
  kManageChannels = 1ULL << 4,
  kManageGuild = 1ULL << 5,
  kAddReactions = 1ULL << 6,
  kViewAuditLog = 1ULL << 7,
  kPrioritySpeaker = 1ULL << 8,
  kStream = 1ULL << 9,
  kViewChannel = 1ULL << 10,
  kSendMessages = 1ULL << 11,
  kSendTtsMessages = 1ULL << 12,
  kManageMessages = 1ULL << 13,
  kEmbedLinks = 1ULL << 14,
  kAttachFiles = 1ULL << 15,
  kReadMessageHistory = 1ULL << 16,
  kMentionEveryone = 1ULL << 17,
  kUseExternalEmojis = 1ULL << 18,
  kViewGuildInsights = 1ULL << 19,
  kConnect = 1ULL << 20,
  kSpeak = 1ULL << 21,
  kMuteMembers = 1ULL << 22,
  kDeafenMembers = 1ULL << 23,
  kMoveMembers = 1ULL << 24,
  kUseVad = 1ULL << 25,
  kChangeNickname = 1ULL << 26,
  kManageNicknames = 1ULL << 27,
  kManageRoles = 1ULL << 28,
  kManageWebhooks = 1ULL << 29,
  kManageGuildExpressions = 1ULL << 30,
  kUseApplicationCommands = 1ULL << 31,
  kRequestToSpeak = 1ULL << 32,
  kManageEvents = 1ULL << 33,
  kManageThreads = 1ULL << 34,
  kCreatePublicThreads = 1ULL << 35,
  kCreatePrivateThreads = 1ULL << 36,
  kUseExternalStickers = 1ULL << 37,
  kSendMessagesInThreads = 1ULL << 38,
  kUseEmbeddedActivities = 1ULL << 39,
  kModerateMembers = 1ULL << 40,
  kViewCreatorMonetizationAnalytics = 1ULL << 41,
  kUseSoundboard = 1ULL << 42,
  kCreateGuildExpressions = 1ULL << 43,
  kCreateEvents = 1ULL << 44,
  kUseExternalSounds = 1ULL << 45,
  kSendVoiceMessages = 1ULL << 46,
  kSendPolls = 1ULL << 49,
  kUseExternalApps = 1ULL << 50,
};

// A set of permissions. A value type; every operation is constexpr and cheap.
class Permissions {
 public:
  constexpr Permissions() = default;
  constexpr explicit Permissions(std::uint64_t bits) : bits_(bits) {}
  constexpr Permissions(Permission p) : bits_(static_cast<std::uint64_t>(p)) {}  // NOLINT

  // Every bit Discord defines (what the owner and administrators hold).
  static constexpr Permissions all();

  constexpr std::uint64_t bits() const { return bits_; }
  constexpr bool empty() const { return bits_ == 0; }
  // True when every permission of `other` is in this set.
  constexpr bool contains(Permissions other) const { return (bits_ & other.bits_) == other.bits_; }
  constexpr bool has(Permission p) const { return contains(p); }
  // The permissions of `required` that this set lacks.
  constexpr Permissions missing(Permissions required) const {
    return Permissions(required.bits_ & ~bits_);
  }

  constexpr Permissions operator|(Permissions o) const { return Permissions(bits_ | o.bits_); }
  constexpr Permissions operator&(Permissions o) const { return Permissions(bits_ & o.bits_); }
  constexpr Permissions operator~() const { return Permissions(~bits_); }
  constexpr Permissions& operator|=(Permissions o) {
    bits_ |= o.bits_;
    return *this;
  }
  constexpr Permissions& operator&=(Permissions o) {
    bits_ &= o.bits_;
    return *this;
  }
  friend constexpr bool operator==(Permissions, Permissions) = default;

  // The decimal wire form ("2048").
  std::string to_string() const { return std::to_string(bits_); }
  // Discord's names of the set bits in bit order ("VIEW_CHANNEL", "SEND_MESSAGES"); bits
  // Discord does not define appear as "BIT_<n>".
  std::vector<std::string> names() const;

  // Parses the decimal wire form; fails with kInvalidArgument otherwise.
  static core::Result<Permissions> parse(std::string_view text);

 private:
  std::uint64_t bits_ = 0;
};

constexpr Permissions operator|(Permission a, Permission b) {
  return Permissions(a) | Permissions(b);
}

inline constexpr std::uint64_t kAllPermissionBits =
    ((1ULL << 47) - 1) | (1ULL << 49) | (1ULL << 50);

constexpr Permissions Permissions::all() { return Permissions(kAllPermissionBits); }

// Discord's name of one permission ("MANAGE_ROLES"); empty for a bit Discord does not define.
std::string_view permission_name(Permission p);

}  // namespace mikami::model
