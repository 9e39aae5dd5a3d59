#include "pg_connection.h"

#include <algorithm>
#include <charconv>

namespace autobets::pg {
namespace {

// The password libpq will use from the URL itself (percent-decoded), if any.
std::string password_of(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  PQfreemem(error);
  std::string password;
  if (options != nullptr) {
    for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
      if (std::string_view(option->keyword) == "password" && option->val != nullptr) {
        password = option->val;
      }
    }
    PQconninfoFree(options);
  }
  return password;
}

// libpq's message without its trailing newline.
std::string trimmed(const char* message) {
  std::string text = message != nullptr ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

std::string Rows::text(int row, int column) const {
  return std::string(PQgetvalue(result_.get(), row, column),
                     static_cast<std::size_t>(PQgetlength(result_.get(), row, column)));
}

std::int64_t Rows::int64(int row, int column) const {
  const char* value = PQgetvalue(result_.get(), row, column);
  std::int64_t number = 0;
  std::from_chars(value, value + PQgetlength(result_.get(), row, column), number);
  return number;
}

std::int64_t Rows::affected() const {
  const char* tuples = PQcmdTuples(result_.get());
  std::int64_t number = 0;
  std::from_chars(tuples, tuples + std::char_traits<char>::length(tuples), number);
  return number;
}

std::string redact_url(std::string_view url) {
  std::string text(url);
  // user:password@host
  if (auto scheme = text.find("://"); scheme != std::string::npos) {
    auto authority_end = text.find_first_of("/?", scheme + 3);
    auto at = text.rfind('@', authority_end == std::string::npos ? text.size() : authority_end);
    if (at != std::string::npos && at > scheme) {
      auto colon = text.find(':', scheme + 3);
      if (colon != std::string::npos && colon < at) text.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // ...?password=secret&...
  for (std::size_t at = text.find("password="); at != std::string::npos;
       at = text.find("password=", at + 1)) {
    auto value = at + 9;
    auto end = text.find('&', value);
    text.replace(value, (end == std::string::npos ? text.size() : end) - value, "***");
  }
  return text;
}

std::string scrub(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
    text.replace(at, secret.size(), "***");
  }
  return text;
}

std::string array_literal(const std::vector<std::string>& values) {
  std::string literal = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) literal += ',';
    literal += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') literal += '\\';
      literal += c;
    }
    literal += '"';
  }
  literal += '}';
  return literal;
}

Connection::Connection(PGconn* connection, std::string url)
    : connection_(connection),
      url_(std::move(url)),
      display_url_(redact_url(url_)),
      password_(password_of(url_)) {}

Connection::~Connection() { PQfinish(connection_); }

core::Result<std::unique_ptr<Connection>> Connection::open(const std::string& url) {
  PGconn* connection = PQconnectdb(url.c_str());
  // Notices (NOTICE, WARNING) are the server's chatter, not the store's output.
  if (connection != nullptr)
    PQsetNoticeProcessor(
        connection, [](void*, const char*) {}, nullptr);
  std::unique_ptr<Connection> wrapped(new Connection(connection, url));
  if (connection == nullptr || PQstatus(connection) != CONNECTION_OK) {
    std::string message = connection ? trimmed(PQerrorMessage(connection)) : "out of memory";
    // libpq may quote parts of a malformed URL; a password the user typed never leaves us.
    message = scrub(scrub(std::move(message), wrapped->password_), redact_url(url));
    return core::fail(core::ErrorCode::kUnavailable,
                      "connecting to PostgreSQL at " + wrapped->display_url_ + ": " + message);
  }
  return wrapped;
}

void Connection::rollback() {
  if (!in_transaction_) return;
  if (PQstatus(connection_) == CONNECTION_OK) {
    PQclear(PQexec(connection_, "ROLLBACK"));
  }
  in_transaction_ = false;  // a lost connection's transaction was rolled back by the server
}

core::Status Connection::ensure_connected() {
  if (PQstatus(connection_) == CONNECTION_OK) return core::ok_status();
  if (in_transaction_) {
    return core::fail(core::ErrorCode::kUnavailable,
                      "the connection to PostgreSQL at " + display_url_ +
                          " was lost inside a transaction; it was rolled back");
  }
  prepared_.clear();
  PQreset(connection_);
  if (PQstatus(connection_) == CONNECTION_OK) return core::ok_status();
  return core::fail(core::ErrorCode::kUnavailable,
                    "reconnecting to PostgreSQL at " + display_url_ + ": " +
                        scrub(trimmed(PQerrorMessage(connection_)), password_));
}

core::Result<Rows> Connection::finish(PGresult* result, std::string_view action) {
  Rows rows(result);
  if (PQstatus(connection_) == CONNECTION_OK) {
    auto transaction = PQtransactionStatus(connection_);
    in_transaction_ = transaction == PQTRANS_INTRANS || transaction == PQTRANS_INERROR;
  }
  ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    last_sqlstate_.clear();
    return rows;
  }
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  last_sqlstate_ = state ? state : "";
  std::string message = scrub(
      trimmed(result ? PQresultErrorMessage(result) : PQerrorMessage(connection_)), password_);
  if (message.empty()) message = scrub(trimmed(PQerrorMessage(connection_)), password_);
  core::ErrorCode code = core::ErrorCode::kIo;
  if (PQstatus(connection_) != CONNECTION_OK || last_sqlstate_.starts_with("08") ||
      last_sqlstate_ == kSerializationFailure || last_sqlstate_ == kDeadlockDetected ||
      last_sqlstate_.starts_with("53") || last_sqlstate_.starts_with("57")) {
    code = core::ErrorCode::kUnavailable;
  } else if (last_sqlstate_ == kUndefinedTable) {
    code = core::ErrorCode::kCorrupt;
  }
  return core::fail(code, std::string(action) + " on " + display_url_ + ": " + message);
}

core::Result<Rows> Connection::exec(std::string_view sql) {
  CORE_RETURN_IF_ERROR(ensure_connected());
  return finish(PQexec(connection_, std::string(sql).c_str()), "PostgreSQL");
}

namespace {
std::vector<const char*> values_of(const Params& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const std::string& param : params) values.push_back(param.c_str());
  return values;
}
}  // namespace

core::Result<Rows> Connection::query(const std::string& sql, const Params& params) {
  CORE_RETURN_IF_ERROR(ensure_connected());
  auto values = values_of(params);
  return finish(PQexecParams(connection_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                             values.data(), nullptr, nullptr, 0),
                "PostgreSQL");
}

core::Result<Rows> Connection::prepared(const std::string& name, const std::string& sql,
                                        const Params& params) {
  CORE_RETURN_IF_ERROR(ensure_connected());
  if (std::find(prepared_.begin(), prepared_.end(), name) == prepared_.end()) {
    auto prepared = finish(PQprepare(connection_, name.c_str(), sql.c_str(), 0, nullptr),
                           "PostgreSQL (preparing " + name + ")");
    CORE_RETURN_IF_ERROR(prepared);
    prepared_.push_back(name);
  }
  auto values = values_of(params);
  return finish(PQexecPrepared(connection_, name.c_str(), static_cast<int>(values.size()),
                               values.data(), nullptr, nullptr, 0),
                "PostgreSQL");
}

}  // namespace autobets::pg
