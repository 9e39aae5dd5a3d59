// Runs the real `autobets serve` on 127.0.0.1 against a real database file.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "autobets/testing/shell.h"
#include "autobets/testing/test_db.h"
#include "test_client.h"

namespace autobets {
namespace {

using http_test::Connection;
using http_test::HttpResponse;
using http_test::ServerProcess;
using nlohmann::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    admin_ = create_key("--scope admin");
    service_ = create_key("--scope service");
    alice_ = create_key("--scope play --user alice");
    start({});
    ASSERT_EQ(post("/v1/deposits", admin_, "d-alice", R"({"user":"alice","amount":1000})").status,
              200);
    ASSERT_EQ(post("/v1/deposits", admin_, "d-bob", R"({"user":"bob","amount":1000})").status, 200);
  }
  // A server still running drains and exits 0 on SIGTERM (under ThreadSanitizer, a report
  // would have ended it with another status).
  void TearDown() override {
    if (server_ && server_->pid() > 0) {
      EXPECT_EQ(server_->stop(), 0) << server_->error_output();
    }
  }

  void start(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"--request-timeout-ms", "700", "--max-connections", "16"};
    args.insert(args.end(), extra.begin(), extra.end());
    server_.reset();
    server_ = std::make_unique<ServerProcess>(db_.path().string(), args, db_.dir());
    ASSERT_NE(server_->port(), 0) << server_->error_output();
  }

  std::string create_key(const std::string& args) {
    auto result = testing::run_shell(http_test::autobets_binary() + " --db " + db_.path().string() +
                                         " --json keys create " + args,
                                     db_.dir());
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return json::parse(result.out)["token"].get<std::string>();
  }

  static Headers auth(const std::string& key, const std::string& idempotency_key = "") {
    Headers headers = {{"Authorization", "Bearer " + key}};
    if (!idempotency_key.empty()) headers.emplace_back("Idempotency-Key", idempotency_key);
    return headers;
  }
  HttpResponse post(const std::string& target, const std::string& key,
                    const std::string& idempotency_key, const std::string& body) {
    Connection connection(server_->port());
    return connection.request("POST", target, body, auth(key, idempotency_key));
  }
  HttpResponse get(const std::string& target, const std::string& key) {
    Connection connection(server_->port());
    return connection.request("GET", target, "", auth(key));
  }
  HttpResponse wager(const std::string& key, const std::string& idempotency_key,
                     const std::string& user, Amount amount) {
    return post(
        "/v1/wagers", key, idempotency_key,
        json{{"user", user}, {"amount", amount}, {"game", "coin"}, {"params", "heads"}}.dump());
  }
  std::int64_t ledger_rows() {
    return testing::query_int(db_.path(), "SELECT count(*) FROM ledger");
  }
  // The body's error code, checking the error shape {code, message, retryable}.
  static std::string error_code(const HttpResponse& response) {
    auto body = json::parse(response.body, nullptr, false);
    if (!body.is_object() || !body.contains("message") || !body["retryable"].is_boolean()) {
      return "not an error body: " + response.body;
    }
    return body["code"].get<std::string>();
  }

  testing::TempDb db_;
  std::string admin_, service_, alice_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(ServerTest, KeysAndScopesDecideWhoMayDoWhat) {
  auto rows = ledger_rows();
  Connection anonymous(server_->port());
  HttpResponse missing = anonymous.request("GET", "/v1/balances/alice");
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(error_code(missing), "unauthorized");
  EXPECT_EQ(missing.headers["www-authenticate"], "Bearer");
  std::string forged = alice_;
  forged.back() = forged.back() == 'a' ? 'b' : 'a';
  HttpResponse wrong = get("/v1/balances/alice", forged);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body.find(forged), std::string::npos);

  EXPECT_EQ(wager(alice_, "w1", "alice", 10).status, 200);
  HttpResponse not_hers = wager(alice_, "w2", "bob", 10);
  EXPECT_EQ(not_hers.status, 403);
  EXPECT_EQ(error_code(not_hers), "forbidden");
  EXPECT_EQ(get("/v1/balances/bob", alice_).status, 403);
  EXPECT_EQ(get("/v1/balances/alice", alice_).status, 200);
  EXPECT_EQ(post("/v1/credits", service_, "c1", R"({"user":"bob","amount":5})").status, 403);
  EXPECT_EQ(post("/v1/deposits", alice_, "c1", R"({"user":"alice","amount":5})").status, 403);
  EXPECT_EQ(get("/v1/seeds/alice", service_).status, 403);
  EXPECT_EQ(get("/v1/seeds/alice", alice_).status, 200);
  EXPECT_EQ(wager(service_, "w3", "bob", 10).status, 200);
  EXPECT_EQ(post("/v1/credits", admin_, "c1", R"({"user":"bob","amount":5})").status, 200);
  EXPECT_EQ(ledger_rows(), rows + 3);
  // Keys never reach the server's output.
  server_->stop();
  for (const auto& key : {admin_, service_, alice_, forged}) {
    EXPECT_EQ(server_->error_output().find(key), std::string::npos);
  }
}

TEST_F(ServerTest, AnIdempotencyKeyRepeatsTheFirstReceiptAndRefusesADifferentBody) {
  HttpResponse first = wager(service_, "same", "alice", 10);
  ASSERT_EQ(first.status, 200) << first.body;
  auto rows = ledger_rows();
  HttpResponse again = wager(service_, "same", "alice", 10);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.headers["idempotent-replayed"], "true");
  EXPECT_EQ(json::parse(again.body)["record"], json::parse(first.body)["record"]);
  HttpResponse different = wager(service_, "same", "alice", 11);
  EXPECT_EQ(different.status, 422);
  EXPECT_EQ(error_code(different), "idempotency_key_reused");
  HttpResponse no_key = post("/v1/wagers", service_, "",
                             R"({"user":"alice","amount":1,"game":"coin","params":"heads"})");
  EXPECT_EQ(no_key.status, 400);
  EXPECT_EQ(error_code(no_key), "missing_idempotency_key");
  EXPECT_EQ(ledger_rows(), rows);
}

TEST_F(ServerTest, AKeyWhoseFirstRequestIsStillRunningIs409) {
  // Another writer holds the database, so the first request waits in the engine.
  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open(db_.path().c_str(), &holder), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  Connection first(server_->port());
  ASSERT_TRUE(first.send_raw(http_test::format_request(
      "POST", "/v1/wagers", R"({"user":"alice","amount":10,"game":"coin","params":"heads"})",
      auth(service_, "slow"))));
  // The second is sent once the first waits in the engine: sent earlier, it would be the
  // one left waiting.
  bool waiting = false;
  for (int attempt = 0; attempt < 2000 && !waiting; ++attempt) {
    waiting = get("/metrics", "").body.find("autobets_http_engine_requests_in_flight 1\n") !=
              std::string::npos;
  }
  ASSERT_TRUE(waiting);
  HttpResponse second = wager(service_, "slow", "alice", 10);
  EXPECT_EQ(second.status, 409);
  EXPECT_EQ(error_code(second), "idempotency_key_in_flight");
  EXPECT_TRUE(json::parse(second.body)["retryable"].get<bool>());
  ASSERT_EQ(sqlite3_exec(holder, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(holder);
  HttpResponse done = first.read_response();
  EXPECT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(wager(service_, "slow", "alice", 10).headers["idempotent-replayed"], "true");
}

TEST_F(ServerTest, BadInputIsAClearErrorAndChangesNothing) {
  auto rows = ledger_rows();
  struct Case {
    std::string what, body, content_type;
    int status;
    std::string code;
    std::string mentions;
  };
  std::vector<Case> cases = {
      {"invalid JSON", R"({"user":"alice",)", "application/json", 400, "invalid_json", "JSON"},
      {"not an object", "[1]", "application/json", 400, "invalid_json", "object"},
      {"wrong type", R"({"user":"alice","amount":"10","game":"coin","params":"heads"})",
       "application/json", 400, "invalid_field", "amount"},
      {"fraction", R"({"user":"alice","amount":10.5,"game":"coin","params":"heads"})",
       "application/json", 400, "invalid_field", "amount"},
      {"2^53", R"({"user":"alice","amount":9007199254740992,"game":"coin","params":"heads"})",
       "application/json", 400, "invalid_field", "2^53"},
      {"huge", R"({"user":"alice","amount":1e400,"game":"coin","params":"heads"})",
       "application/json", 400, "invalid_json", ""},
      {"missing field", R"({"user":"alice","amount":10,"game":"coin"})", "application/json", 400,
       "missing_field", "params"},
      {"unknown field", R"({"user":"alice","amount":10,"game":"coin","params":"heads","x":1})",
       "application/json", 400, "unknown_field", "'x'"},
      {"content type", R"({"user":"alice","amount":10,"game":"coin","params":"heads"})",
       "text/plain", 415, "unsupported_media_type", "application/json"},
      {"bad params", R"({"user":"alice","amount":10,"game":"coin","params":"edge"})",
       "application/json", 400, "invalid_params", ""},
  };
  int n = 0;
  for (const auto& c : cases) {
    Connection connection(server_->port());
    Headers headers = auth(service_, "bad-" + std::to_string(n++));
    headers.emplace_back("Content-Type", c.content_type);
    HttpResponse response = connection.request("POST", "/v1/wagers", c.body, headers);
    EXPECT_EQ(response.status, c.status) << c.what << ": " << response.body;
    EXPECT_EQ(error_code(response), c.code) << c.what;
    EXPECT_NE(response.body.find(c.mentions), std::string::npos) << c.what << ": " << response.body;
  }
  EXPECT_EQ(get("/v1/nothing", service_).status, 404);
  EXPECT_EQ(get("/v2/balances/alice", service_).status, 404);
  HttpResponse method = get("/v1/wagers", service_);
  EXPECT_EQ(method.status, 405);
  EXPECT_EQ(method.headers["allow"], "POST");
  EXPECT_EQ(get("/v1/balances/not%20a%20user", service_).status, 400);
  EXPECT_EQ(get("/v1/history/alice?limit=0", service_).status, 400);
  EXPECT_EQ(get("/v1/balances/carol", service_).status, 404);

  {  // oversized body: refused from its Content-Length, before it is read
    Connection connection(server_->port());
    HttpResponse response =
        connection.request("POST", "/v1/wagers", std::string(100'000, ' '), auth(service_, "big"));
    EXPECT_EQ(response.status, 413);
    EXPECT_EQ(error_code(response), "payload_too_large");
  }
  {  // oversized headers
    Connection connection(server_->port());
    Headers headers = auth(service_);
    headers.emplace_back("X-Padding", std::string(20'000, 'a'));
    HttpResponse response = connection.request("GET", "/v1/balances/alice", "", headers);
    EXPECT_EQ(response.status, 431);
  }
  {  // truncated body: the deadline answers 408 and closes
    Connection connection(server_->port());
    std::string request = http_test::format_request(
        "POST", "/v1/wagers", R"({"user":"alice","amount":10,"game":"coin","params":"heads"})",
        auth(service_, "cut"));
    ASSERT_TRUE(connection.send_raw(request.substr(0, request.size() - 10)));
    HttpResponse response = connection.read_response();
    EXPECT_EQ(response.status, 408);
    EXPECT_EQ(error_code(response), "request_timeout");
  }
  {  // truncated body, then the client goes away
    Connection connection(server_->port());
    std::string request = http_test::format_request(
        "POST", "/v1/wagers", R"({"user":"alice","amount":10,"game":"coin","params":"heads"})",
        auth(service_, "gone"));
    ASSERT_TRUE(connection.send_raw(request.substr(0, request.size() - 10)));
  }
  {  // not HTTP at all
    Connection connection(server_->port());
    ASSERT_TRUE(connection.send_raw("HELLO\r\n\r\n"));
    EXPECT_EQ(connection.read_response().status, 400);
  }
  EXPECT_EQ(ledger_rows(), rows);
  EXPECT_EQ(get("/v1/balances/alice", service_).body.find("\"balance\":1000"), 1u);
}

TEST_F(ServerTest, ASlowClientIsCutOffWhileOthersAreServed) {
  Connection slow(server_->port());
  std::string request = http_test::format_request("GET", "/v1/balances/alice", "", auth(service_));
  auto started = std::chrono::steady_clock::now();
  bool cut = false;
  // One byte every 50 ms would take far longer than the 700 ms request deadline.
  for (std::size_t i = 0; i < request.size() && !cut; ++i) {
    cut = !slow.send_raw(request.substr(i, 1));
    if (i % 4 == 0) {
      EXPECT_EQ(get("/v1/balances/bob", service_).status, 200);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (std::chrono::steady_clock::now() - started > std::chrono::seconds(3)) break;
  }
  HttpResponse response = slow.read_response(std::chrono::seconds(5));
  EXPECT_TRUE(response.status == 408 || response.status == 0) << response.status;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST_F(ServerTest, ConnectionsOverTheMaximumAre503UntilOneCloses) {
  std::vector<std::unique_ptr<Connection>> open;
  // Each holds its place with a keep-alive request answered.
  for (int i = 0; i < 16; ++i) {
    open.push_back(std::make_unique<Connection>(server_->port()));
    ASSERT_EQ(open.back()->request("GET", "/healthz").status, 200);
  }
  Connection extra(server_->port());
  HttpResponse refused = extra.read_response();
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(error_code(refused), "too_many_connections");
  open.pop_back();
  HttpResponse served;
  // Until the server has seen the close: a count of attempts ran out on a loaded machine.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (served.status != 200 && std::chrono::steady_clock::now() < deadline) {
    Connection again(server_->port());
    served = again.request("GET", "/healthz");
  }
  EXPECT_EQ(served.status, 200);
}

TEST_F(ServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  Connection connection(server_->port());
  for (int i = 0; i < 20; ++i) {
    HttpResponse response =
        connection.request("POST", "/v1/wagers", R"({"amount":1,"game":"dice","params":"over 50"})",
                           auth(alice_, "k" + std::to_string(i)));
    ASSERT_EQ(response.status, 200) << response.body;
  }
  HttpResponse history = connection.request("GET", "/v1/history/alice?limit=15", "", auth(alice_));
  ASSERT_EQ(history.status, 200);
  auto page = json::parse(history.body);
  EXPECT_EQ(page["records"].size(), 15u);
  HttpResponse rest = connection.request(
      "GET", "/v1/history/alice?limit=15&cursor=" + page["next_cursor"].get<std::string>(), "",
      auth(alice_));
  auto second = json::parse(rest.body);
  EXPECT_EQ(second["records"].size(), 6u);  // 20 wagers and the deposit
  EXPECT_TRUE(second["next_cursor"].is_null());
}

TEST_F(ServerTest, SigtermDrainsAndExitsZero) {
  Connection idle(server_->port());
  ASSERT_EQ(idle.request("GET", "/healthz").status, 200);
  EXPECT_EQ(server_->stop(), 0) << server_->error_output();
  EXPECT_TRUE(idle.closed_within(std::chrono::seconds(5)));
}

// One operation of docs/openapi.yaml, read by indentation: the document keeps paths at two
// spaces, methods at four, response codes at eight, and examples as one-line JSON.
struct Operation {
  std::string path, method;
  bool secured = true;
  bool idempotent = false;
  std::string example;
  std::vector<int> statuses;
  std::string content_type;
};

std::vector<Operation> documented_operations() {
  std::ifstream in(AUTOBETS_OPENAPI_YAML);
  std::vector<Operation> operations;
  std::string line, path;
  bool in_paths = false;
  std::regex path_line(R"(^  (/\S*):\s*$)"),
      method_line(R"(^    (get|post|put|patch|delete):\s*$)"),
      status_line(R"(^        '(\d{3})':)"), example_line(R"(^\s+example: (\{.*\})\s*$)"),
      content_line(R"(^              (application/json|text/plain):)");
  std::smatch match;
  while (std::getline(in, line)) {
    if (line == "paths:") in_paths = true;
    if (line == "components:") break;
    if (!in_paths) continue;
    if (std::regex_match(line, match, path_line)) {
      path = match[1];
    } else if (std::regex_match(line, match, method_line)) {
      Operation op;
      op.path = path;
      op.method = match[1];
      operations.push_back(std::move(op));
    } else if (operations.empty()) {
      continue;
    } else if (line == "      security: []") {
      operations.back().secured = false;
    } else if (line.find("parameters/IdempotencyKey") != std::string::npos) {
      operations.back().idempotent = true;
    } else if (std::regex_search(line, match, status_line)) {
      operations.back().statuses.push_back(std::stoi(match[1]));
    } else if (std::regex_match(line, match, example_line)) {
      operations.back().example = match[1];
    } else if (std::regex_search(line, match, content_line)) {
      operations.back().content_type = match[1];
    }
  }
  return operations;
}

TEST_F(ServerTest, EveryDocumentedRouteAnswersAsDocumented) {
  auto operations = documented_operations();
  ASSERT_GE(operations.size(), 14u) << "could not read " << AUTOBETS_OPENAPI_YAML;
  HttpResponse placed = wager(admin_, "doc-wager", "alice", 10);
  ASSERT_EQ(placed.status, 200);
  std::string seq = std::to_string(json::parse(placed.body)["record"]["seq"].get<Seq>());
  int n = 0;
  for (const auto& op : operations) {
    std::string target =
        std::regex_replace(std::regex_replace(op.path, std::regex(R"(\{user\})"), "alice"),
                           std::regex(R"(\{seq\})"), seq);
    std::string method = op.method == "get" ? "GET" : "POST";
    std::string what = method + " " + op.path;
    Headers headers = auth(admin_, op.idempotent ? "doc-" + std::to_string(n++) : "");
    Connection connection(server_->port());
    HttpResponse response = connection.request(method, target, op.example, headers);
    int success = 0;
    for (int status : op.statuses) {
      if (status / 100 == 2 && success == 0) success = status;
    }
    ASSERT_NE(success, 0) << what << " documents no success";
    EXPECT_EQ(response.status, success) << what << ": " << response.body;
    if (op.content_type == "application/json") {
      EXPECT_FALSE(json::parse(response.body, nullptr, false).is_discarded()) << what;
      EXPECT_EQ(response.headers["content-type"], "application/json") << what;
    } else {
      EXPECT_TRUE(response.headers["content-type"].starts_with(op.content_type)) << what;
    }
    if (op.secured) {
      Connection anonymous(server_->port());
      HttpResponse refused = anonymous.request(method, target, op.example);
      EXPECT_EQ(refused.status, 401) << what;
      EXPECT_NE(std::find(op.statuses.begin(), op.statuses.end(), 401), op.statuses.end())
          << what << " does not document its 401";
      // A method the document does not list is refused by name.
      Connection other(server_->port());
      HttpResponse wrong = other.request("DELETE", target, "", auth(admin_));
      EXPECT_EQ(wrong.status, 405) << what;
    }
  }
}

}  // namespace
}  // namespace autobets
