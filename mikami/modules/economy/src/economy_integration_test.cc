// The economy through the whole bot: the real mikami-sandbox types the commands (as the
// console does), the pipeline runs them, and the AutoBets ledger on the bot's database is
// read back with AutoBets' own audit (replay, and the `autobets` binary).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "autobets/audit.h"
#include "autobets/open_store.h"
#include "core/process.h"
#include "mikami/app/bot.h"
#include "mikami/app/local_http.h"
#include "mikami/bot_store.h"
#include "mikami/modules/economy.h"
#include "mikami/modules/utility.h"
#include "mikami/testing/sandbox_process.h"

namespace mikami::modules {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

#ifdef PROJECT_SANITIZED
constexpr int kRaceCommands = 1'000;
#else
constexpr int kRaceCommands = 10'000;
#endif
constexpr int kRaceMembers = 50;
constexpr int kRaceThreads = 8;

// One member's view of the sandbox: types lines, reads answers. One per thread.
class Client {
 public:
  explicit Client(std::uint16_t port) : http_("127.0.0.1", port) {}

  // The interaction id ("" when the sandbox refused the line).
  std::string send(const std::string& line, const std::string& user) {
    json::object body{{"line", line}, {"user", user}};
    auto reply = http_.request("POST", "/_sandbox/interact", json::serialize(body));
    if (!reply || reply->status != 200) {
      ADD_FAILURE() << line << ": " << (reply ? reply->body : reply.error().message());
      return "";
    }
    return std::string(json::parse(reply->body).at("id").as_string());
  }
  void redeliver(const std::string& id) {
    auto reply = http_.request("POST", "/_sandbox/redeliver/" + id);
    EXPECT_TRUE(reply && reply->status == 200) << id;
  }
  // The answer's content: the callback's message, or after a deferral the edit (waits up
  // to 30 s; "" when none came).
  std::string answer(const std::string& id) {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    auto pause = 1ms;
    while (std::chrono::steady_clock::now() < deadline) {
      auto reply = http_.request("GET", "/_sandbox/interactions/" + id);
      if (reply && reply->status == 200) {
        const json::value record = json::parse(reply->body);
        for (const json::value& r : record.at("responses").as_array()) {
          const json::object& o = r.as_object();
          const std::string kind(o.at("kind").as_string());
          const bool message = kind == "edit" || (kind == "callback" && o.at("type") == 4);
          if (message && o.at("data").as_object().contains("content")) {
            return std::string(o.at("data").at("content").as_string());
          }
        }
      }
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(20));
    }
    return "";
  }
  std::string ask(const std::string& line, const std::string& user) {
    return answer(send(line, user));
  }

 private:
  app::LocalHttpClient http_;
};

class EconomyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mikami-economy-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override {
    bot_.reset();
    fs::remove_all(dir_);
  }

  void start(testing::SandboxProcess& sandbox) {
    app::AppConfig config;
    config.api_url = sandbox.api_url();
    config.store_path = dir_ / "bot.db";
    config.metrics_listen = "";
    config.lock_wait = 30'000ms;  // the race's members wait for their own commands
    config.handler_deadline = 30'000ms;
    EconomyOptions options;
    options.database = db();  // the bot store's file, as by default
    auto economy = make_economy_module(options);
    ASSERT_TRUE(economy.has_value()) << economy.error().message();
    std::vector<std::unique_ptr<framework::Module>> modules;
    modules.push_back(make_utility_module());
    modules.push_back(std::move(*economy));
    auto bot = app::Bot::start(config, "sandbox-token", logger_, std::move(modules));
    ASSERT_TRUE(bot.has_value()) << bot.error().message();
    bot_ = std::move(*bot);
    ASSERT_TRUE(bot_->wait_ready(20s).has_value());
  }
  std::string db() const { return (dir_ / "bot.db").string(); }

  fs::path dir_;
  app::Logger logger_{"error", false};
  std::unique_ptr<app::Bot> bot_;
};

std::string field(const std::string& text, const std::string& label) {
  const auto at = text.find(label);
  if (at == std::string::npos) return "";
  const auto start = at + label.size();
  return text.substr(start, text.find('\n', start) - start);
}

// The ```sh block of mikami/docs/economy.md that checks a bet with openssl.
std::string docs_script() {
  std::ifstream in(MIKAMI_ECONOMY_DOC);
  std::string line;
  std::string script;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside && line == "```sh") {
      inside = true;
    } else if (inside && line == "```") {
      break;
    } else if (inside) {
      script += line + "\n";
    }
  }
  return script;
}

// Runs the docs' script with the seeds and nonce in place of the example's.
std::string run_docs_script(const std::string& server_seed, const std::string& client_seed,
                            std::int64_t nonce) {
  std::string script = docs_script();
  script =
      std::regex_replace(script, std::regex("SERVER_SEED=[0-9a-f]+"), "SERVER_SEED=" + server_seed);
  script =
      std::regex_replace(script, std::regex("CLIENT_SEED=[0-9a-f]+"), "CLIENT_SEED=" + client_seed);
  script = std::regex_replace(script, std::regex("NONCE=[0-9]+"), "NONCE=" + std::to_string(nonce));
  const fs::path path =
      fs::temp_directory_path() / ("mikami-openssl-check-" + std::to_string(::getpid()) + ".sh");
  std::ofstream(path) << script;
  std::string out;
  core::SpawnOptions options;
  options.out = core::Stdio::pipe();
  auto bash = core::Child::spawn("/bin/bash", {"bash", path.string()}, options);
  EXPECT_TRUE(bash.has_value()) << bash.error().message();
  if (bash) {
    auto run = bash->communicate();
    EXPECT_TRUE(run.has_value() && run->status.success()) << script;
    if (run) out = run->out;
  }
  fs::remove(path);
  return out;
}

TEST_F(EconomyTest, AMemberChecksCoinAndDiceBetsWithOpensslAsTheDocsShow) {
  testing::SandboxProcess sandbox;
  start(sandbox);
  Client c(sandbox.port());
  ASSERT_NE(c.ask("/daily", "alice").find("You claimed 100 coins"), std::string::npos);
  const std::string coin = c.ask("/bet coin amount:10 side:heads", "alice");
  const std::string dice = c.ask("/bet dice amount:10 target:50", "alice");
  ASSERT_NE(coin.find("nonce 0."), std::string::npos) << coin;
  ASSERT_NE(dice.find("nonce 1."), std::string::npos) << dice;
  const std::string shown = c.ask("/fair show", "alice");
  const std::string commitment = field(shown, "Server seed commitment (SHA-256): ");
  const std::string revealed = c.ask("/fair rotate", "alice");
  const std::string server_seed = field(revealed, "Revealed server seed: ");
  const std::string client_seed = field(revealed, "Its client seed: ");
  ASSERT_EQ(server_seed.size(), 64u) << revealed;
  EXPECT_EQ(field(revealed, "Its commitment: "), commitment);

  const std::string coin_check = run_docs_script(server_seed, client_seed, 0);
  EXPECT_EQ(coin_check.substr(0, 64), commitment) << coin_check;
  const bool heads = coin.starts_with("Heads");
  EXPECT_NE(coin_check.find(heads ? "coin: 0\n" : "coin: 1\n"), std::string::npos) << coin << "\n"
                                                                                   << coin_check;

  const std::string dice_check = run_docs_script(server_seed, client_seed, 1);
  std::smatch roll;
  ASSERT_TRUE(std::regex_search(dice, roll, std::regex("Rolled ([0-9]+)\\.([0-9]{2})"))) << dice;
  const std::string hundredths =
      std::to_string(std::stoi(roll[1].str()) * 100 + std::stoi(roll[2].str()));
  EXPECT_NE(dice_check.find("dice: " + hundredths + "\n"), std::string::npos) << dice << "\n"
                                                                              << dice_check;
}

TEST_F(EconomyTest, RefusalsAreEphemeralAndWriteNothingToTheLedger) {
  testing::SandboxProcess sandbox;
  start(sandbox);
  Client c(sandbox.port());
  ASSERT_NE(c.ask("/daily", "bob").find("You claimed"), std::string::npos);
  const std::vector<std::pair<std::string, std::string>> refusals = {
      {"/pay member:@alice amount:500", "You have 100 coins; you cannot pay 500 coins."},
      {"/pay member:@bob amount:5", "You cannot pay yourself."},
      {"/pay member:@alice amount:0", "option amount: must be at least 1"},
      {"/pay member:@alice amount:-3", "option amount: must be at least 1"},
      {"/pay member:@mikami amount:5", "mikami is a bot and has no wallet."},
      {"/bet coin amount:101", "You have 100 coins; you cannot bet 101 coins."},
      {"/daily", "You already claimed today's 100 coins. Next claim in "},
      {"/eco credit member:@bob amount:5", "you need Manage Server to use /eco"},
      {"/fair verify seq:1", "Bet #1 is not one of your bets."},
  };
  for (const auto& [line, text] : refusals) {
    EXPECT_EQ(c.ask(line, "bob").substr(0, text.size()), text) << line;
  }
  EXPECT_EQ(c.ask("/eco debit member:@bob amount:101", "owner"),
            "bob has 100 coins; you cannot debit 101 coins.");
  EXPECT_EQ(c.ask("/balance", "bob"), "Balance: 100 coins");
  EXPECT_EQ(c.ask("/balance member:@alice", "bob"), "alice has 0 coins");
  bot_.reset();
  auto store = autobets::open_store(db());
  ASSERT_TRUE(store.has_value()) << store.error().message();
  std::size_t records = 0;
  ASSERT_TRUE((*store)
                  ->scan_ledger(0,
                                [&](const autobets::LedgerRecord&) {
                                  ++records;
                                  return core::ok_status();
                                })
                  .has_value());
  EXPECT_EQ(records, 1u);  // the one /daily
}

// The issue's race: members paying in a ring, betting and claiming daily at once from 8
// client threads, with interactions delivered twice. Money is conserved, no balance goes
// negative, no daily is paid twice, no interaction acts twice, and AutoBets' replay of the
// bot's database agrees.
std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST_F(EconomyTest, ABotStoreMadeBeforeTheEconomyGetsItsLedgerOnceAndTheEconomyWorks) {
  {
    // The bot's store as a release without the economy left it: its tables and a setting.
    auto old = BotStore::open(db());
    ASSERT_TRUE(old.has_value()) << old.error().message();
    ASSERT_TRUE((*old)->set_module_enabled("42", "moderation", false).has_value());
  }
  ASSERT_FALSE(autobets::open_store(db()).has_value());
  testing::SandboxProcess sandbox;
  start(sandbox);
  Client c(sandbox.port());
  EXPECT_NE(c.ask("/daily", "alice").find("You claimed 100 coins"), std::string::npos);
  EXPECT_NE(c.ask("/pay member:@bob amount:30", "alice").find("You paid bob 30 coins"),
            std::string::npos);
  bot_.reset();
  // A second start finds the ledger (nothing added twice) with the coins in it.
  start(sandbox);
  EXPECT_EQ(c.ask("/balance", "alice"), "Balance: 70 coins");
  bot_.reset();
  auto store = BotStore::open(db());
  ASSERT_TRUE(store.has_value()) << store.error().message();
  auto kept = (*store)->module_enabled("42", "moderation");
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(*kept, std::optional<bool>(false));
  auto ledger = autobets::open_store(db());
  ASSERT_TRUE(ledger.has_value()) << ledger.error().message();
}

TEST_F(EconomyTest, ALedgerOfAnotherSchemaVersionIsRefusedByNameAndLeftUntouched) {
  ASSERT_TRUE(autobets::create_store(db(), autobets::Limits{}).has_value());
  {
    // A bot store whose ledger an older AutoBets wrote (schema version 2).
    auto store = BotStore::open(db());
    ASSERT_TRUE(store.has_value()) << store.error().message();
    ASSERT_TRUE((*store)
                    ->query("UPDATE settings SET value = '2' WHERE key = 'schema_version'")
                    .has_value());
  }
  const std::string before = file_bytes(db());
  EconomyOptions options;
  options.database = db();
  auto economy = make_economy_module(options);
  ASSERT_FALSE(economy.has_value());
  EXPECT_NE(economy.error().message().find("economy database"), std::string::npos);
  EXPECT_NE(economy.error().message().find(db() + " is an AutoBets database of schema version 2"),
            std::string::npos)
      << economy.error().message();
  EXPECT_EQ(file_bytes(db()), before);
  auto store = BotStore::open(db());
  ASSERT_TRUE(store.has_value());
  auto version = (*store)->query("SELECT value FROM settings WHERE key = 'schema_version'");
  ASSERT_TRUE(version.has_value());
  ASSERT_EQ(version->size(), 1u);
  EXPECT_EQ(std::get<std::string>((*version)[0][0]), "2");
}

TEST_F(EconomyTest, AStoreWithATableOfALedgersNameIsRefusedAndLeftUntouched) {
  {
    auto store = BotStore::open(db());
    ASSERT_TRUE(store.has_value()) << store.error().message();
    ASSERT_TRUE((*store)->query("CREATE TABLE accounts (id INTEGER)").has_value());
  }
  const std::string before = file_bytes(db());
  EconomyOptions options;
  options.database = db();
  auto economy = make_economy_module(options);
  ASSERT_FALSE(economy.has_value());
  EXPECT_NE(economy.error().message().find("already has tables named as AutoBets' (accounts)"),
            std::string::npos)
      << economy.error().message();
  EXPECT_EQ(file_bytes(db()), before);
}

TEST_F(EconomyTest, RacingPaysBetsDailiesAndRedeliveriesConserveMoney) {
  testing::SandboxProcess sandbox({"--members", std::to_string(kRaceMembers)});
  start(sandbox);
  {
    Client admin(sandbox.port());
    for (int m = 1; m <= kRaceMembers; ++m) {
      ASSERT_NE(admin.ask("/eco credit member:@member" + std::to_string(m) + " amount:200", "owner")
                    .find("Credited"),
                std::string::npos);
    }
  }
  struct Sent {
    std::string id;
    std::string kind;  // "pay", "bet", "daily"
    std::string answer;
  };
  std::mutex mutex;
  std::vector<Sent> sent;
  std::atomic<int> redelivered{0};
  const auto began = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kRaceThreads; ++t) {
    threads.emplace_back([&, t] {
      Client c(sandbox.port());
      std::mt19937 random(static_cast<unsigned>(t) * 7919u + 1);
      std::vector<std::string> mine;
      for (int i = 0; i < kRaceCommands / kRaceThreads; ++i) {
        const int member = 1 + static_cast<int>(random() % kRaceMembers);
        const std::string user = "member" + std::to_string(member);
        const int roll = static_cast<int>(random() % 100);
        if (roll < 10 && !mine.empty()) {
          c.redeliver(mine[random() % mine.size()]);
          ++redelivered;
          continue;
        }
        Sent s;
        if (roll < 50) {
          s.kind = "pay";
          const std::string next = "member" + std::to_string(member % kRaceMembers + 1);
          s.id =
              c.send("/pay member:@" + next + " amount:" + std::to_string(1 + random() % 30), user);
        } else if (roll < 85) {
          s.kind = "bet";
          s.id = c.send("/bet coin amount:" + std::to_string(1 + random() % 20), user);
        } else {
          s.kind = "daily";
          s.id = c.send("/daily", user);
        }
        s.answer = c.answer(s.id);
        mine.push_back(s.id);
        std::lock_guard lock(mutex);
        sent.push_back(std::move(s));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const auto elapsed = std::chrono::steady_clock::now() - began;
  ASSERT_TRUE(bot_->shutdown());  // redelivered interactions still in flight finish
  bot_.reset();

  auto store = autobets::open_store(db());
  ASSERT_TRUE(store.has_value()) << store.error().message();
  std::map<std::string, int> acted;  // idempotency key -> records of the acting side
  std::map<std::string, int> dailies;
  bool negative = false;
  ASSERT_TRUE((*store)
                  ->scan_ledger(0,
                                [&](const autobets::LedgerRecord& r) {
                                  negative |= r.balance_after < 0;
                                  if (r.kind != autobets::RecordKind::kTransferIn) {
                                    ++acted[r.idempotency_key];
                                  }
                                  if (r.idempotency_key.starts_with("daily:")) ++dailies[r.user];
                                  return core::ok_status();
                                })
                  .has_value());
  EXPECT_FALSE(negative);
  for (const auto& [user, count] : dailies) EXPECT_EQ(count, 1) << user;
  int paid = 0;
  int bets = 0;
  for (const Sent& s : sent) {
    ASSERT_FALSE(s.answer.empty()) << s.kind << " " << s.id << " got no answer";
    const std::string key = s.kind + ":" + s.id;
    const bool ok = s.answer.starts_with("You paid") || s.answer.find("Bet #") != std::string::npos;
    if (s.kind == "daily") continue;
    // Acted on exactly once when it said so, never when it refused.
    EXPECT_EQ(acted[key], ok ? 1 : 0) << key << ": " << s.answer;
    (s.kind == "pay" ? paid : bets) += ok;
  }
  auto report = autobets::replay(**store);
  ASSERT_TRUE(report.has_value()) << report.error().message();
  EXPECT_TRUE(report->ok()) << (report->mismatches.empty() ? "" : report->mismatches.front());
  EXPECT_EQ(report->balances_sum, report->totals.credits - report->totals.house_net());
  store->reset();
  const std::string cli = std::string(std::getenv("PROJECT_BIN_DIR")) + "/autobets";
  core::SpawnOptions quiet;
  quiet.out = core::Stdio::null();
  auto replayed = core::Child::spawn(cli, {cli, "replay", "--db", db()}, quiet);
  ASSERT_TRUE(replayed.has_value()) << replayed.error().message();
  auto replay_status = replayed->wait();
  ASSERT_TRUE(replay_status.has_value());
  EXPECT_TRUE(replay_status->success())
      << "autobets replay --db " << db() << " " << replay_status->describe();
  const double seconds = std::chrono::duration<double>(elapsed).count();
  std::printf(
      "race: %zu commands + %d redeliveries from %d threads over %d members in %.2f s "
      "(%.0f commands/s): %d payments, %d bets, %zu dailies; %s coins credited, house net %s, "
      "balances %s\n",
      sent.size(), redelivered.load(), kRaceThreads, kRaceMembers, seconds,
      static_cast<double>(sent.size()) / seconds, paid, bets, dailies.size(),
      autobets::to_decimal(report->totals.credits).c_str(),
      autobets::to_decimal(report->totals.house_net()).c_str(),
      autobets::to_decimal(report->balances_sum).c_str());
}

}  // namespace
}  // namespace mikami::modules
