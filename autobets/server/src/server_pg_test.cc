// Several `autobets serve` processes on one PostgreSQL database, driven concurrently over
// HTTP while servers are SIGKILLed and restarted: no money is created or lost, no balance
// goes negative, and every acknowledged request, sent again with its key, returns its
// original receipt.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "autobets/testing/pg_test_db.h"
#include "autobets/testing/seed.h"
#include "autobets/testing/shell.h"
#include "test_client.h"

namespace autobets {
namespace {

using http_test::Connection;
using http_test::HttpResponse;
using http_test::ServerProcess;
using nlohmann::json;

#ifdef PROJECT_SANITIZED
constexpr int kOpsPerClient = 40;
constexpr int kKills = 3;
#else
constexpr int kOpsPerClient = 100;
constexpr int kKills = 20;
#endif
constexpr int kServers = 4;
constexpr int kClients = 4;
constexpr int kUsers = 16;

struct Acknowledged {
  std::string target, key, body, record;
};

TEST(ServerPgTest, FourServersOnOneDatabaseSurviveKillsWithMoneyConserved) {
  if (testing::pg_server_url().empty()) GTEST_SKIP() << testing::kNoPgServer;
  std::uint64_t seed = testing::simulation_seed();
  SCOPED_TRACE("AUTOBETS_SEED=" + std::to_string(seed));
  testing::PgTestDb db;
  auto scratch = std::filesystem::temp_directory_path() / ("autobets-pg-http-" + db.name());
  std::filesystem::create_directories(scratch);
  auto created = testing::run_shell(
      http_test::autobets_binary() + " --db '" + db.url() + "' --json keys create --scope admin",
      scratch);
  ASSERT_EQ(created.exit_code, 0) << created.err;
  std::string key = json::parse(created.out)["token"].get<std::string>();

  std::mutex servers_mutex;
  std::vector<std::unique_ptr<ServerProcess>> servers;
  std::vector<std::uint16_t> ports(kServers);
  for (int i = 0; i < kServers; ++i) {
    servers.push_back(
        std::make_unique<ServerProcess>(db.url(), std::vector<std::string>{}, scratch));
    ASSERT_NE(servers.back()->port(), 0) << servers.back()->error_output();
    ports[i] = servers.back()->port();
  }
  auto port_of = [&](int i) {
    std::lock_guard lock(servers_mutex);
    return ports[i];
  };
  // Sends until a server answers with something other than a retryable failure.
  auto send = [&](std::mt19937_64& rng, const std::string& target, const std::string& idem,
                  const std::string& body) {
    HttpResponse response;
    for (int attempt = 0; attempt < 400; ++attempt) {
      Connection connection(port_of(static_cast<int>(rng() % kServers)));
      if (connection.connected()) {
        response = connection.request(
            "POST", target, body, {{"Authorization", "Bearer " + key}, {"Idempotency-Key", idem}});
        if (response.status != 0 && response.status != 503 && response.status != 409) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return response;
  };
  std::mt19937_64 setup_rng(seed);
  for (int u = 0; u < kUsers; ++u) {
    std::string user = "u" + std::to_string(u);
    ASSERT_EQ(send(setup_rng, "/v1/deposits", "fund-" + user,
                   json{{"user", user}, {"amount", 10'000}}.dump())
                  .status,
              200);
  }

  std::atomic<bool> killing = true;  // clients keep going until every kill is done
  std::mutex acked_mutex;
  std::vector<Acknowledged> acked;
  std::atomic<int> unanswered = 0;
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      std::mt19937_64 rng(testing::derive_seed(seed, static_cast<std::uint64_t>(c) + 1));
      for (int i = 0; i < kOpsPerClient || killing; ++i) {
        // Hot users: most traffic on the first four.
        int user = static_cast<int>(rng() % 4 == 0 ? rng() % kUsers : rng() % 4);
        std::string idem = "c" + std::to_string(c) + "-" + std::to_string(i);
        std::string target, body;
        if (rng() % 2 == 0) {
          target = "/v1/transfers";
          body = json{{"from", "u" + std::to_string(user)},
                      {"to", "u" + std::to_string((user + 1) % kUsers)},
                      {"amount", 1 + static_cast<int>(rng() % 300)}}
                     .dump();
        } else {
          target = "/v1/wagers";
          body = json{{"user", "u" + std::to_string(user)},
                      {"amount", 1 + static_cast<int>(rng() % 200)},
                      {"game", "coin"},
                      {"params", rng() % 2 ? "heads" : "tails"}}
                     .dump();
        }
        HttpResponse response = send(rng, target, idem, body);
        if (response.status == 200) {
          std::lock_guard lock(acked_mutex);
          acked.push_back({target, idem, body, json::parse(response.body)["record"].dump()});
        } else if (response.status == 0 || response.status >= 500) {
          ++unanswered;
        }
      }
    });
  }
  std::mt19937_64 killer(testing::derive_seed(seed, 99));
  for (int kill = 0; kill < kKills; ++kill) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + killer() % 200));
    int victim = static_cast<int>(killer() % kServers);
    std::unique_ptr<ServerProcess> replacement;
    servers[victim]->kill();
    replacement = std::make_unique<ServerProcess>(db.url(), std::vector<std::string>{}, scratch);
    // No ASSERT here: the clients must be joined before the test returns.
    EXPECT_NE(replacement->port(), 0) << replacement->error_output();
    if (replacement->port() == 0) break;
    std::lock_guard lock(servers_mutex);
    ports[victim] = replacement->port();
    servers[victim] = std::move(replacement);
  }
  killing = false;
  for (auto& client : clients) client.join();
  EXPECT_EQ(unanswered, 0);
  ASSERT_FALSE(acked.empty());

  // Every acknowledged request, sent again with its key, returns its original receipt.
  std::mt19937_64 rng(seed);
  for (const auto& ack : acked) {
    HttpResponse again = send(rng, ack.target, ack.key, ack.body);
    ASSERT_EQ(again.status, 200) << again.body;
    auto body = json::parse(again.body);
    EXPECT_TRUE(body["duplicate"].get<bool>()) << ack.key;
    EXPECT_EQ(body["record"].dump(), ack.record) << ack.key;
  }
  for (auto& server : servers) EXPECT_EQ(server->stop(), 0) << server->error_output();
  // The ledger replays to the balances, money is conserved, and nothing is negative.
  auto replay = testing::run_shell(
      http_test::autobets_binary() + " --db '" + db.url() + "' --json replay", scratch);
  EXPECT_EQ(replay.exit_code, 0) << replay.out << replay.err;
  auto report = json::parse(replay.out);
  EXPECT_TRUE(report["ok"].get<bool>());
  EXPECT_EQ(report["balances_sum"].get<std::int64_t>(),
            report["deposits"].get<std::int64_t>() - report["house_net"].get<std::int64_t>());
  std::filesystem::remove_all(scratch);
}

}  // namespace
}  // namespace autobets
