// The Discord calls moderation makes, over the bot's REST client, each waiting for its
// answer (handlers run on worker threads). Every change carries the reason as
// X-Audit-Log-Reason. Private to the module.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mikami/rest_client.h"

namespace mikami::modules::moderation {

struct Answer {
  int status = 0;  // 0: no answer (see error)
  std::string body;
  std::string error;  // Discord's message, or why there was no answer
  int code = 0;       // Discord's JSON error code
  bool ok() const { return status >= 200 && status < 300; }
};

class Discord {
 public:
  explicit Discord(RestClient& rest) : rest_(rest) {}

  Answer call(Method method, const std::string& path, const std::string& body,
              const std::string& reason = "");

  Answer kick(const std::string& guild, const std::string& user, const std::string& reason);
  Answer ban(const std::string& guild, const std::string& user, std::int64_t delete_seconds,
             const std::string& reason);
  Answer unban(const std::string& guild, const std::string& user, const std::string& reason);
  // `until` nullopt lifts the timeout.
  Answer timeout(const std::string& guild, const std::string& user,
                 std::optional<std::chrono::system_clock::time_point> until,
                 const std::string& reason);
  Answer get_member(const std::string& guild, const std::string& user);
  Answer get_ban(const std::string& guild, const std::string& user);
  Answer post(const std::string& channel, const std::string& content);
  // Best effort: opens the DM channel and posts `content`; false when either failed.
  bool direct_message(const std::string& user, const std::string& content);

  struct ListedMessage {
    std::string id;
    std::string author_id;
  };
  // The channel's last `limit` (1-100) messages, newest first.
  std::optional<std::vector<ListedMessage>> recent_messages(const std::string& channel, int limit,
                                                            std::string& error);
  // `ids`: 2 to 100 messages younger than 14 days.
  Answer bulk_delete(const std::string& channel, const std::vector<std::string>& ids,
                     const std::string& reason);
  Answer delete_message(const std::string& channel, const std::string& id,
                        const std::string& reason);

 private:
  RestClient& rest_;
};

}  // namespace mikami::modules::moderation
