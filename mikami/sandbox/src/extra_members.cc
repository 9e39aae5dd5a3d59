#include "guild.h"

namespace mikami::sandbox {

void add_members(Guild& guild, int count) {
  for (int i = 1; i <= count; ++i) {
    const std::string id = std::to_string(100'000 + i);
    guild.users[id] = User{id, "member" + std::to_string(i), false};
    guild.members[id] = Member{id, std::nullopt, {"21"}, "2024-01-01T00:00:00.000000+00:00", {}};
  }
}

}  // namespace mikami::sandbox
