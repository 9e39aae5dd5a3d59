// Fuzzes the AutoBets HTTP API's request decoding without sockets: the input is the bytes a
// client sends, up to four HTTP/1.1 requests back to back. Each is read by Beast's request
// parser with the server's header and body limits, then answered by the API's router (routes,
// bearer keys, Idempotency-Key, JSON bodies and amounts into service requests) over a real
// engine and SQLite store in a scratch directory, kept for the whole run. For any input:
// no 5xx, every error is a JSON object with a string code and message, a JSON response body
// is valid JSON, and a 4xx leaves every account and the ledger as they were.
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api.h"
#include "autobets/api_keys.h"
#include "autobets/engine.h"
#include "autobets/http_server.h"
#include "autobets/open_store.h"
#include "autobets/service.h"
#include "fuzz_http.h"
#include "fuzz_support.h"
#include "metrics.h"

namespace {

namespace http = boost::beast::http;
using namespace autobets;

constexpr int kMaxRequests = 4;

// Fixed bearer tokens, so inputs (and the dictionary) can name them: "abk_admin" (admin),
// "abk_service" (service), "abk_alice" and "abk_bob" (play scope for alice and bob), each
// padded with 0s to the 52 characters of a real key.
class FixedKeys : public KeyStore {
 public:
  FixedKeys() {
    callers_[hash_token(token("admin"))] = {Scope::kAdmin, ""};
    callers_[hash_token(token("service"))] = {Scope::kService, ""};
    callers_[hash_token(token("alice"))] = {Scope::kPlay, "alice"};
    callers_[hash_token(token("bob"))] = {Scope::kPlay, "bob"};
  }
  static std::string token(const std::string& name) {
    return "abk_" + name + std::string(48 - name.size(), '0');
  }

 protected:
  core::Status insert(const std::string&, const Caller&, std::int64_t) override {
    return core::fail(core::ErrorCode::kFailedPrecondition, "fixed keys");
  }
  core::Result<std::optional<Caller>> lookup(const std::string& hash) override {
    auto it = callers_.find(hash);
    if (it == callers_.end()) return std::optional<Caller>();
    return std::optional<Caller>(it->second);
  }

 private:
  std::unordered_map<std::string, Caller> callers_;
};

// One server for the whole run: the store is a file, opening it per input would dominate.
struct World {
  fuzz::ScratchDir dir;
  std::unique_ptr<Store> store;
  std::unique_ptr<Engine> engine;  // stops before the store closes
  std::optional<Service> service;
  FixedKeys keys;
  http_api::Metrics metrics;
  std::optional<http_api::Api> api;
  ServerOptions limits;  // the header and body limits the server reads with

  World() {
    const std::string db = (dir.path() / "fuzz.db").string();
    FUZZ_ASSERT(create_store(db, Limits{}));
    auto opened = open_store(db);
    FUZZ_ASSERT(opened);
    store = std::move(*opened);
    auto started = Engine::open(*store);
    FUZZ_ASSERT(started);
    engine = std::move(*started);
    service.emplace(*store, engine.get());
    for (const char* user : {"alice", "bob"}) {
      auto reply = service->transfer(
          Caller::console(),
          TransferRequest{user, RecordKind::kDeposit, 1'000'000, std::string("seed-") + user});
      FUZZ_ASSERT(reply && reply->ok());
    }
    api.emplace(*service, keys, metrics);
  }
};

World& world() {
  static World w;  // stops the engine and removes the directory when the run exits
  return w;
}

// What a refused request must not change: the ledger's end and every account.
std::string state(Store& store) {
  auto seq = store.applied_seq();
  auto accounts = store.accounts();
  FUZZ_ASSERT(seq && accounts);
  std::string out = std::to_string(*seq);
  for (const Account& a : *accounts) {
    out += '\n' + a.user + ' ' + std::to_string(a.balance) + ' ' + std::to_string(a.last_seq) +
           ' ' + a.commitment + ' ' + std::to_string(a.next_nonce) + ' ' +
           std::to_string(a.version);
  }
  return out;
}

http_api::Response answer(http_api::Api& api, const http_api::Request& request) {
  std::mutex mutex;
  std::condition_variable done;
  std::optional<http_api::Response> response;
  api.handle(request, [&](http_api::Response r) {
    std::lock_guard lock(mutex);
    response = std::move(r);
    done.notify_one();
  });
  std::unique_lock lock(mutex);
  done.wait(lock, [&] { return response.has_value(); });
  return std::move(*response);
}

void check(const http_api::Response& response, const std::string& before,
           const std::string& after) {
  const unsigned status = response.result_int();
  FUZZ_ASSERT(status >= 200 && status < 500);
  const std::string_view type = response[http::field::content_type];
  if (type.starts_with("text/plain") && status == 200) return;  // /metrics
  FUZZ_ASSERT(type == "application/json");
  const auto body = nlohmann::json::parse(response.body(), nullptr, false);
  FUZZ_ASSERT(!body.is_discarded());
  FUZZ_ASSERT(body.is_object());
  if (status >= 400) {
    FUZZ_ASSERT(body.contains("code") && body["code"].is_string());
    FUZZ_ASSERT(!body["code"].get<std::string>().empty());
    FUZZ_ASSERT(body.contains("message") && body["message"].is_string());
    FUZZ_ASSERT(before == after);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  World& w = world();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (int i = 0; i < kMaxRequests && !input.empty(); ++i) {
    http::request_parser<http::string_body> parser;
    parser.eager(true);
    parser.header_limit(static_cast<std::uint32_t>(w.limits.max_header_bytes));
    parser.body_limit(w.limits.max_body_bytes);
    if (!fuzz::read_request(parser, input)) return 0;
    const http_api::Request& request = parser.get();
    const std::string before = state(*w.store);
    http_api::Response response = answer(*w.api, request);
    const std::string after = state(*w.store);
    check(response, before, after);
  }
  return 0;
}
