#include "autobets/testing/pg_test_db.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <map>

#include "autobets/pg_store.h"
#include "core/status.h"

namespace autobets::testing {
namespace {

std::string percent_encoded(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string pg_server_url() {
  const char* url = std::getenv("AUTOBETS_PG_URL");
  return url != nullptr ? url : "";
}

std::string pg_url_for(const std::string& url, const std::string& name, const std::string& user,
                       const std::string& password) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  CORE_CHECK(options != nullptr);
  std::map<std::string, std::string> values;
  for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (option->val != nullptr) values[option->keyword] = option->val;
  }
  PQconninfoFree(options);
  std::string who = percent_encoded(user.empty() ? values["user"] : user);
  if (!password.empty()) who += ":" + percent_encoded(password);
  std::string result = "postgresql://" + who + "@/" + percent_encoded(name);
  char separator = '?';
  for (const char* keyword : {"host", "port"}) {
    if (!values[keyword].empty()) {
      result += separator + std::string(keyword) + "=" + percent_encoded(values[keyword]);
      separator = '&';
    }
  }
  return result;
}

std::string pg_exec_sql(const std::string& url, const std::string& sql) {
  PGconn* connection = PQconnectdb(url.c_str());
  PQsetNoticeProcessor(
      connection, [](void*, const char*) {}, nullptr);  // "... skipping"
  std::string message;
  if (PQstatus(connection) != CONNECTION_OK) {
    message = PQerrorMessage(connection);
  } else {
    PGresult* result = PQexec(connection, sql.c_str());
    auto status = PQresultStatus(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      message = PQresultErrorMessage(result);
      if (message.empty()) message = "error";
    }
    PQclear(result);
  }
  PQfinish(connection);
  return message;
}

std::int64_t pg_query_int(const std::string& url, const std::string& sql) {
  PGconn* connection = PQconnectdb(url.c_str());
  CORE_CHECK(PQstatus(connection) == CONNECTION_OK);
  PGresult* result = PQexec(connection, sql.c_str());
  CORE_CHECK(PQresultStatus(result) == PGRES_TUPLES_OK);
  std::int64_t value = -1;
  if (PQntuples(result) > 0 && !PQgetisnull(result, 0, 0)) {
    value = std::strtoll(PQgetvalue(result, 0, 0), nullptr, 10);
  }
  PQclear(result);
  PQfinish(connection);
  return value;
}

PgTestDb::PgTestDb(const Limits& limits, bool create) {
  static std::atomic<int> counter = 0;
  std::string server = pg_server_url();
  CORE_CHECK(!server.empty());
  name_ = "t_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  (void)pg_exec_sql(server, "DROP DATABASE IF EXISTS " + name_);
  std::string created = pg_exec_sql(server, "CREATE DATABASE " + name_);
  CORE_CHECK(created.empty());
  url_ = pg_url_for(server, name_);
  if (create) CORE_CHECK(PgStore::create(url_, limits).has_value());
}

PgTestDb::~PgTestDb() {
  (void)pg_exec_sql(pg_server_url(), "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
}

}  // namespace autobets::testing
