#include "api.h"

#include <charconv>
#include <nlohmann/json.hpp>
#include <vector>

#include "autobets/api_json.h"

namespace autobets::http_api {
namespace {

using nlohmann::json;

// JSON numbers beyond this lose integer precision in common clients (doubles).
constexpr std::int64_t kMaxJsonInteger = (std::int64_t{1} << 53) - 1;

Response json_response(http::status status, const json& body) {
  Response response(status, 11);
  response.set(http::field::content_type, "application/json");
  // Messages may echo a path or a field name; bytes that are not UTF-8 become U+FFFD
  // instead of throwing out of the handler (found by fuzzing autobets_http_request).
  response.body() = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return response;
}

// A 400 naming what was wrong with the body.
struct FieldError {
  std::string code;  // "invalid_json", "invalid_field", "missing_field", "unknown_field"
  std::string message;
};

// The fields a request body may carry, read from a JSON object with types checked.
class Body {
 public:
  static std::variant<Body, FieldError> parse(const std::string& text,
                                              std::initializer_list<std::string_view> allowed) {
    Body body;
    body.json_ = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (body.json_.is_discarded()) {
      return FieldError{"invalid_json", "the request body is not valid JSON"};
    }
    if (!body.json_.is_object()) {
      return FieldError{"invalid_json", "the request body must be a JSON object"};
    }
    for (const auto& [name, value] : body.json_.items()) {
      bool known = false;
      for (auto field : allowed) known = known || field == name;
      if (!known) return FieldError{"unknown_field", "unknown field '" + name + "'"};
    }
    return body;
  }

  std::optional<FieldError> string(const char* name, std::string* out, bool required = true) {
    auto it = json_.find(name);
    if (it == json_.end()) {
      if (!required) return std::nullopt;
      return FieldError{"missing_field", std::string("missing field '") + name + "'"};
    }
    if (!it->is_string()) {
      return FieldError{"invalid_field", std::string("field '") + name + "' must be a string"};
    }
    *out = it->get<std::string>();
    return std::nullopt;
  }

  // A JSON integer of at most 2^53 - 1 in magnitude; 1.0, 1e3 and "1" are refused, and so
  // is anything larger, never rounded.
  std::optional<FieldError> amount(const char* name, Amount* out) {
    auto it = json_.find(name);
    if (it == json_.end()) {
      return FieldError{"missing_field", std::string("missing field '") + name + "'"};
    }
    std::string field = std::string("field '") + name + "'";
    if (it->is_number_unsigned()) {
      auto value = it->get<std::uint64_t>();
      if (value > static_cast<std::uint64_t>(kMaxJsonInteger)) {
        return FieldError{"invalid_field", field + " is above 2^53 - 1 (9007199254740991)"};
      }
      *out = static_cast<Amount>(value);
      return std::nullopt;
    }
    if (it->is_number_integer()) {
      auto value = it->get<std::int64_t>();
      if (value < -kMaxJsonInteger) {
        return FieldError{"invalid_field", field + " is below -(2^53 - 1)"};
      }
      *out = value;
      return std::nullopt;
    }
    if (it->is_number_float()) {
      return FieldError{"invalid_field", field +
                                             " must be an integer number of minor units of at "
                                             "most 2^53 - 1 (no fraction, no exponent)"};
    }
    return FieldError{"invalid_field", field + " must be an integer number of minor units"};
  }

 private:
  json json_;
};

// "/v1/wagers/12/verification" -> {"v1", "wagers", "12", "verification"}.
std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    auto end = path.find('/');
    parts.push_back(path.substr(0, end));
    path = end == std::string_view::npos ? std::string_view() : path.substr(end);
  }
  return parts;
}

std::optional<std::string_view> query_value(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    auto end = query.find('&');
    auto pair = query.substr(0, end);
    auto eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      return eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    }
    query = end == std::string_view::npos ? std::string_view() : query.substr(end + 1);
  }
  return std::nullopt;
}

std::optional<std::int64_t> parse_positive(std::string_view text) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 1) return std::nullopt;
  return value;
}

http::status status_for(ReplyCode code) {
  switch (code) {
    case ReplyCode::kOk:
      return http::status::ok;
    case ReplyCode::kUnknownUser:
      return http::status::not_found;
    case ReplyCode::kIdempotencyKeyReused:
    case ReplyCode::kInsufficientBalance:
    case ReplyCode::kBalanceOverflow:
    case ReplyCode::kSelfTransfer:
      return http::status::unprocessable_entity;
    case ReplyCode::kRngFailed:
    case ReplyCode::kLedgerWriteFailed:
    case ReplyCode::kEngineClosed:
      return http::status::service_unavailable;
    default:
      return http::status::bad_request;  // the request's own format, limits or parameters
  }
}

http::status status_for(ServiceError::Kind kind) {
  switch (kind) {
    case ServiceError::Kind::kForbidden:
      return http::status::forbidden;
    case ServiceError::Kind::kUnknownUser:
    case ServiceError::Kind::kNotFound:
      return http::status::not_found;
    case ServiceError::Kind::kInvalidInput:
      return http::status::bad_request;
    case ServiceError::Kind::kUnavailable:
      return http::status::service_unavailable;
    case ServiceError::Kind::kFailed:
      return http::status::internal_server_error;
  }
  return http::status::internal_server_error;
}

Response refusal(const ServiceError& error) {
  return error_response(status_for(error.kind), to_string(error.kind), error.message,
                        error.retryable());
}

Response reply_response(const Reply& reply) {
  Response response;
  if (reply.ok() || !reply.message.empty()) {
    response = Response(status_for(reply.code), 11);
    response.set(http::field::content_type, "application/json");
    response.body() = to_json_text(reply);
  } else {
    json body = to_json(reply);
    body["message"] = reply.message;  // every error carries one
    response = json_response(status_for(reply.code), body);
  }
  if (reply.duplicate) response.set("Idempotent-Replayed", "true");
  return response;
}

Response bad_body(const FieldError& error) {
  return error_response(http::status::bad_request, error.code, error.message);
}

template <class T>
Response result_response(const ServiceResult<T>& result) {
  if (!result) return refusal(result.error());
  return json_response(http::status::ok, to_json(*result));
}

bool is_json_content(const Request& request) {
  std::string_view type = request[http::field::content_type];
  auto semicolon = type.find(';');
  type = type.substr(0, semicolon);
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  return type == "application/json";
}

}  // namespace

Response error_response(http::status status, std::string_view code, const std::string& message,
                        bool retryable) {
  return json_response(status, {{"code", code}, {"message", message}, {"retryable", retryable}});
}

std::optional<Caller> Api::authenticate(const Request& request, Response* refused) {
  std::string_view header = request[http::field::authorization];
  constexpr std::string_view kBearer = "Bearer ";
  if (header.empty() || !header.starts_with(kBearer)) {
    *refused = error_response(http::status::unauthorized, "unauthorized",
                              "an API key is required: 'Authorization: Bearer <key>'");
    refused->set(http::field::www_authenticate, "Bearer");
    return std::nullopt;
  }
  std::string token(header.substr(kBearer.size()));
  {
    std::lock_guard lock(cache_mutex_);
    if (auto it = callers_.find(token); it != callers_.end()) return it->second;
  }
  auto found = keys_.find(token);
  if (!found) {
    *refused = error_response(http::status::service_unavailable, "unavailable",
                              "the API keys cannot be read now", true);
    return std::nullopt;
  }
  if (!found->has_value()) {
    // The message never repeats the key.
    *refused = error_response(http::status::unauthorized, "unauthorized", "unknown API key");
    refused->set(http::field::www_authenticate, "Bearer error=\"invalid_token\"");
    return std::nullopt;
  }
  std::lock_guard lock(cache_mutex_);
  callers_.emplace(std::move(token), **found);
  return **found;
}

void Api::handle(const Request& request, Respond respond) {
  handle(request, std::move(respond), [](std::function<void()> task) { task(); });
}

void Api::handle(const Request& request, Respond respond, Post post) {
  std::string_view target = request.target();
  std::string_view path = target.substr(0, target.find('?'));
  if (path == "/healthz" || path == "/metrics") {
    if (request.method() != http::verb::get) {
      Response response = error_response(http::status::method_not_allowed, "method_not_allowed",
                                         std::string(path) + " answers GET only");
      response.set(http::field::allow, "GET");
      return respond(std::move(response));
    }
    if (path == "/healthz") {
      return respond(json_response(draining_ ? http::status::service_unavailable : http::status::ok,
                                   {{"ok", !draining_}, {"draining", draining_.load()}}));
    }
    Response response(http::status::ok, 11);
    response.set(http::field::content_type, "text/plain; version=0.0.4");
    response.body() = metrics_.prometheus_text();
    return respond(std::move(response));
  }
  auto parts = segments(path);
  if (parts.empty() || parts[0] != "v1") {
    return respond(error_response(http::status::not_found, "not_found",
                                  "no route " + std::string(path) + " (routes are under /v1)"));
  }
  Response refused;
  auto caller = authenticate(request, &refused);
  if (!caller) return respond(std::move(refused));
  handle_v1(request, *caller, respond, post);
}

void Api::handle_v1(const Request& request, const Caller& caller, Respond& respond, Post& post) {
  std::string_view target = request.target();
  auto query_at = target.find('?');
  std::string_view path = target.substr(0, query_at);
  std::string_view query =
      query_at == std::string_view::npos ? std::string_view() : target.substr(query_at + 1);
  auto parts = segments(path);
  http::verb method = request.method();
  auto route_is = [&](std::initializer_list<std::string_view> shape) {
    if (parts.size() != shape.size()) return false;
    std::size_t i = 0;
    for (auto part : shape) {
      if (part != "*" && part != parts[i]) return false;
      ++i;
    }
    return true;
  };
  auto wrong_method = [&](const char* allow) {
    Response response = error_response(http::status::method_not_allowed, "method_not_allowed",
                                       std::string(path) + " answers " + allow + " only");
    response.set(http::field::allow, allow);
    respond(std::move(response));
  };
  // Every POST carries a JSON object.
  auto body_for = [&](std::initializer_list<std::string_view> allowed) -> std::optional<Body> {
    if (!is_json_content(request)) {
      respond(error_response(http::status::unsupported_media_type, "unsupported_media_type",
                             "POST bodies are JSON: send 'Content-Type: application/json'"));
      return std::nullopt;
    }
    auto parsed = Body::parse(request.body(), allowed);
    if (auto* error = std::get_if<FieldError>(&parsed)) {
      respond(bad_body(*error));
      return std::nullopt;
    }
    return std::get<Body>(std::move(parsed));
  };
  auto user_in_path = [&](std::string_view user) {
    if (is_valid_user_id(user)) return true;
    respond(error_response(http::status::bad_request, "invalid_user_id",
                           "'" + std::string(user).substr(0, 80) +
                               "' is not a user id (1 to 64 of A-Z a-z 0-9 _ . : @ -)"));
    return false;
  };
  // A money-moving POST: the Idempotency-Key header, then the request runs once per key.
  auto idempotent = [&](const std::string& user, auto submit) {
    std::string key(request["Idempotency-Key"]);
    if (key.empty()) {
      return respond(error_response(http::status::bad_request, "missing_idempotency_key",
                                    "this POST needs an 'Idempotency-Key' header"));
    }
    std::string slot = user + '\n' + key;
    {
      std::lock_guard lock(in_flight_mutex_);
      if (!in_flight_.insert(slot).second) {
        return respond(error_response(http::status::conflict, "idempotency_key_in_flight",
                                      "a request with this Idempotency-Key is still running",
                                      true));
      }
    }
    metrics_.engine_request_started();
    auto release = [this, slot] {
      {
        std::lock_guard lock(in_flight_mutex_);
        in_flight_.erase(slot);
      }
      metrics_.engine_request_done();
    };
    auto refused = submit(key, [respond, release, post](Reply reply) {
      post([respond, release, reply = std::move(reply)] {
        release();
        respond(reply_response(reply));
      });
    });
    if (refused) {
      release();
      respond(refusal(*refused));
    }
  };

  if (route_is({"v1", "wagers"})) {
    if (method != http::verb::post) return wrong_method("POST");
    auto body = body_for({"user", "amount", "game", "params"});
    if (!body) return;
    WagerRequest wager;
    wager.user = caller.scope == Scope::kPlay ? caller.user : "";
    for (auto error : {body->string("user", &wager.user, caller.scope != Scope::kPlay),
                       body->amount("amount", &wager.amount), body->string("game", &wager.game),
                       body->string("params", &wager.params)}) {
      if (error) return respond(bad_body(*error));
    }
    return idempotent(wager.user, [&](const std::string& key, Completion done) {
      wager.idempotency_key = key;
      Metrics* metrics = &metrics_;
      return service_.submit_wager(caller, std::move(wager),
                                   [metrics, done = std::move(done)](Reply reply) {
                                     metrics->wager_reply(reply.ok());
                                     done(std::move(reply));
                                   });
    });
  }
  if (route_is({"v1", "deposits"}) || route_is({"v1", "withdrawals"}) ||
      route_is({"v1", "credits"})) {
    if (method != http::verb::post) return wrong_method("POST");
    auto body = body_for({"user", "amount"});
    if (!body) return;
    TransferRequest transfer;
    transfer.kind = parts[1] == "deposits"      ? RecordKind::kDeposit
                    : parts[1] == "withdrawals" ? RecordKind::kWithdrawal
                                                : RecordKind::kCredit;
    for (auto error :
         {body->string("user", &transfer.user), body->amount("amount", &transfer.amount)}) {
      if (error) return respond(bad_body(*error));
    }
    return idempotent(transfer.user, [&](const std::string& key, Completion done) {
      transfer.idempotency_key = key;
      return service_.submit_transfer(caller, std::move(transfer), std::move(done));
    });
  }
  if (route_is({"v1", "transfers"})) {
    if (method != http::verb::post) return wrong_method("POST");
    auto body = body_for({"from", "to", "amount"});
    if (!body) return;
    UserTransfer transfer;
    transfer.from = caller.scope == Scope::kPlay ? caller.user : "";
    for (auto error :
         {body->string("from", &transfer.from, caller.scope != Scope::kPlay),
          body->string("to", &transfer.to), body->amount("amount", &transfer.amount)}) {
      if (error) return respond(bad_body(*error));
    }
    return idempotent(transfer.from, [&](const std::string& key, Completion done) {
      transfer.idempotency_key = key;
      return service_.submit_transfer(caller, std::move(transfer), std::move(done));
    });
  }
  if (route_is({"v1", "wagers", "*"}) || route_is({"v1", "wagers", "*", "verification"})) {
    if (method != http::verb::get) return wrong_method("GET");
    auto seq = parse_positive(parts[2]);
    if (!seq) {
      return respond(error_response(http::status::bad_request, "invalid_seq",
                                    "a wager is named by its seq, a positive integer"));
    }
    if (parts.size() == 3) return respond(result_response(service_.record(caller, *seq, true)));
    return respond(result_response(service_.verify(caller, *seq)));
  }
  if (route_is({"v1", "balances", "*"})) {
    if (method != http::verb::get) return wrong_method("GET");
    if (!user_in_path(parts[2])) return;
    return respond(result_response(service_.balance(caller, parts[2])));
  }
  if (route_is({"v1", "history", "*"})) {
    if (method != http::verb::get) return wrong_method("GET");
    if (!user_in_path(parts[2])) return;
    std::int64_t limit = 50;
    if (auto text = query_value(query, "limit")) {
      auto parsed = parse_positive(*text);
      if (!parsed || *parsed > 1000) {
        return respond(error_response(http::status::bad_request, "invalid_limit",
                                      "limit must be an integer from 1 to 1000"));
      }
      limit = *parsed;
    }
    Seq before = 0;
    if (auto text = query_value(query, "cursor"); text && !text->empty()) {
      auto parsed = parse_positive(*text);
      if (!parsed) {
        return respond(error_response(http::status::bad_request, "invalid_cursor",
                                      "cursor must be a next_cursor this API returned"));
      }
      before = *parsed;
    }
    auto page = service_.history(caller, parts[2], static_cast<std::size_t>(limit), before);
    if (!page) return respond(refusal(page.error()));
    json records = json::array();
    for (const auto& record : page->records) records.push_back(to_json(record));
    json body = {{"records", records}};
    body["next_cursor"] =
        page->next_before == 0 ? json(nullptr) : json(std::to_string(page->next_before));
    return respond(json_response(http::status::ok, body));
  }
  if (route_is({"v1", "seeds", "*"})) {
    if (method != http::verb::get) return wrong_method("GET");
    if (!user_in_path(parts[2])) return;
    return respond(result_response(service_.seeds(caller, parts[2])));
  }
  if (route_is({"v1", "seeds", "*", "rotate"}) || route_is({"v1", "seeds", "*", "client-seed"})) {
    if (method != http::verb::post) return wrong_method("POST");
    if (!user_in_path(parts[2])) return;
    bool set_client = parts[3] == "client-seed";
    std::optional<Body> body;
    if (set_client || !request.body().empty()) {
      body = body_for(set_client ? std::initializer_list<std::string_view>{"client_seed"}
                                 : std::initializer_list<std::string_view>{});
      if (!body) return;
    }
    std::optional<std::string> client_seed;
    if (set_client) {
      client_seed.emplace();
      if (auto error = body->string("client_seed", &*client_seed)) {
        return respond(bad_body(*error));
      }
    }
    return respond(result_response(service_.rotate_seed(caller, parts[2], std::move(client_seed))));
  }
  respond(error_response(http::status::not_found, "not_found",
                         "no route " + std::string(path) + " (docs/http-api.md lists them)"));
}

}  // namespace autobets::http_api
