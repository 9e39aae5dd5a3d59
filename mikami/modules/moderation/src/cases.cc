#include "cases.h"

namespace mikami::modules::moderation {
namespace {

constexpr const char* kColumns =
    "guild_id, number, action, target_id, target_name, moderator_id, moderator_name, reason, "
    "duration_seconds, details, status, error, case_key, source, created_ms";

std::string text(const StoreValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  return "";
}

std::int64_t integer(const StoreValue& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  return 0;
}

Case from_row(const StoreRow& r) {
  Case c;
  c.guild_id = text(r[0]);
  c.number = integer(r[1]);
  c.action = text(r[2]);
  c.target_id = text(r[3]);
  c.target_name = text(r[4]);
  c.moderator_id = text(r[5]);
  c.moderator_name = text(r[6]);
  c.reason = text(r[7]);
  c.duration_seconds = integer(r[8]);
  c.details = text(r[9]);
  c.status = text(r[10]);
  c.error = text(r[11]);
  c.key = text(r[12]);
  c.source = text(r[13]);
  c.created_ms = integer(r[14]);
  return c;
}

core::Result<std::vector<Case>> cases(BotStore& store, const std::string& where,
                                      const std::vector<StoreValue>& params) {
  auto rows =
      store.query(std::string("SELECT ") + kColumns + " FROM moderation_cases " + where, params);
  if (!rows) return core::fail(rows.error());
  std::vector<Case> out;
  for (const StoreRow& r : *rows) out.push_back(from_row(r));
  return out;
}

}  // namespace

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::vector<Migration> case_migrations() {
  return {{1, R"sql(
CREATE TABLE moderation_cases (
  guild_id TEXT NOT NULL,
  number INTEGER NOT NULL,
  action TEXT NOT NULL,
  target_id TEXT NOT NULL,
  target_name TEXT NOT NULL DEFAULT '',
  moderator_id TEXT NOT NULL,
  moderator_name TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  duration_seconds INTEGER NOT NULL DEFAULT 0,
  details TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  error TEXT NOT NULL DEFAULT '',
  case_key TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  PRIMARY KEY (guild_id, number));
CREATE INDEX moderation_cases_target ON moderation_cases (guild_id, target_id);
CREATE INDEX moderation_cases_status ON moderation_cases (status);
CREATE TABLE moderation_temp_bans (
  guild_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  expires_ms INTEGER NOT NULL,
  case_number INTEGER NOT NULL,
  PRIMARY KEY (guild_id, user_id));
)sql"}};
}

core::Result<std::pair<Case, bool>> Cases::open(const Case& c) {
  // One statement: the number is the guild's highest plus one, taken under SQLite's write
  // lock, and a second case of the same key is never written.
  auto rows = store_.query(
      "INSERT INTO moderation_cases (" + std::string(kColumns) +
          ") SELECT ?1, COALESCE(MAX(number), 0) + 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, '', "
          "?11, ?12, ?13 FROM moderation_cases WHERE guild_id = ?1 "
          "ON CONFLICT (case_key) DO NOTHING RETURNING number",
      {c.guild_id, c.action, c.target_id, c.target_name, c.moderator_id, c.moderator_name, c.reason,
       c.duration_seconds, c.details, c.status, c.key, c.source, c.created_ms});
  if (!rows) return core::fail(rows.error());
  const bool created = !rows->empty();
  auto existing = cases(store_, "WHERE case_key = ?1", {c.key});
  if (!existing) return core::fail(existing.error());
  if (existing->empty()) {
    return core::fail(core::ErrorCode::kInternal, "case " + c.key + " vanished");
  }
  return std::pair<Case, bool>((*existing)[0], created);
}

core::Status Cases::complete(const Case& c, const std::string& status, const std::string& error,
                             const std::string& details) {
  auto rows = store_.query(
      "UPDATE moderation_cases SET status = ?3, error = ?4, details = ?5 "
      "WHERE guild_id = ?1 AND number = ?2",
      {c.guild_id, c.number, status, error, details});
  if (!rows) return core::fail(rows.error());
  return core::ok_status();
}

core::Result<std::optional<Case>> Cases::get(const std::string& guild_id, std::int64_t number) {
  auto found = cases(store_, "WHERE guild_id = ?1 AND number = ?2", {guild_id, number});
  if (!found) return core::fail(found.error());
  if (found->empty()) return std::optional<Case>();
  return std::optional<Case>((*found)[0]);
}

core::Status Cases::set_reason(const std::string& guild_id, std::int64_t number,
                               const std::string& reason) {
  auto rows =
      store_.query("UPDATE moderation_cases SET reason = ?3 WHERE guild_id = ?1 AND number = ?2",
                   {guild_id, number, reason});
  if (!rows) return core::fail(rows.error());
  return core::ok_status();
}

core::Result<std::vector<Case>> Cases::history(const std::string& guild_id,
                                               const std::string& target_id, int limit) {
  return cases(store_,
               "WHERE guild_id = ?1 AND target_id = ?2 AND status != 'failed' "
               "ORDER BY number DESC LIMIT ?3",
               {guild_id, target_id, static_cast<std::int64_t>(limit)});
}

core::Result<std::vector<Case>> Cases::pending(std::int64_t before_ms) {
  return cases(store_, "WHERE status = 'pending' AND created_ms < ?1 ORDER BY created_ms",
               {before_ms});
}

core::Status Cases::add_temp_ban(const TempBan& ban) {
  auto rows = store_.query(
      "INSERT INTO moderation_temp_bans (guild_id, user_id, expires_ms, case_number) "
      "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (guild_id, user_id) DO UPDATE SET "
      "expires_ms = excluded.expires_ms, case_number = excluded.case_number",
      {ban.guild_id, ban.user_id, ban.expires_ms, ban.case_number});
  if (!rows) return core::fail(rows.error());
  return core::ok_status();
}

core::Status Cases::remove_temp_ban(const std::string& guild_id, const std::string& user_id) {
  auto rows = store_.query("DELETE FROM moderation_temp_bans WHERE guild_id = ?1 AND user_id = ?2",
                           {guild_id, user_id});
  if (!rows) return core::fail(rows.error());
  return core::ok_status();
}

core::Result<std::vector<TempBan>> Cases::expired_temp_bans(std::int64_t now) {
  auto rows = store_.query(
      "SELECT guild_id, user_id, expires_ms, case_number FROM moderation_temp_bans "
      "WHERE expires_ms <= ?1 ORDER BY expires_ms",
      {now});
  if (!rows) return core::fail(rows.error());
  std::vector<TempBan> out;
  for (const StoreRow& r : *rows) {
    out.push_back(TempBan{text(r[0]), text(r[1]), integer(r[2]), integer(r[3])});
  }
  return out;
}

}  // namespace mikami::modules::moderation
