// The checkpointer copies the WAL on its own thread, and the writer bounds the WAL's size.
#include "sqlite_checkpointer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "autobets/testing/test_db.h"

namespace autobets::sqlite {
namespace {

using testing::query_int;
using testing::TempDb;

constexpr int kPageSize = 4096;
constexpr int kCommits = 400;

// A WAL database with one table, on a writer whose automatic checkpoint is off.
std::unique_ptr<Connection> open_writer(const std::filesystem::path& path) {
  { std::ofstream touch(path); }
  auto writer = Connection::open(path, false);
  EXPECT_TRUE(writer.has_value());
  EXPECT_TRUE((*writer)
                  ->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA "
                         "wal_autocheckpoint=0; CREATE TABLE pages (n INTEGER, body BLOB)")
                  .has_value());
  return std::move(*writer);
}

// One commit of about two pages, as a small batch writes.
void commit_one(Connection& writer, int n) {
  auto insert = writer.prepare("INSERT INTO pages VALUES (?1, randomblob(6000))");
  ASSERT_TRUE(insert.has_value());
  ASSERT_TRUE(insert->bind(1, std::int64_t{n}).run().has_value());
}

constexpr CheckpointLimits kSmallLimits{.background_frames = 40, .foreground_frames = 200};

std::unique_ptr<Checkpointer> attach(Connection& writer) {
  auto checkpointer = Checkpointer::attach(writer, kSmallLimits);
  EXPECT_TRUE(checkpointer.has_value()) << checkpointer.error().message();
  return checkpointer ? std::move(*checkpointer) : nullptr;
}

std::uintmax_t wal_frames(const std::filesystem::path& path) {
  return std::filesystem::file_size(path.string() + "-wal") / (kPageSize + 24);
}

constexpr auto kWalBound = static_cast<std::uintmax_t>(kSmallLimits.foreground_frames + 10);

TEST(Checkpointer, CopiesTheWalOnItsOwnThreadAndTheWriterBoundsIt) {
  TempDb dir(Limits{}, /*create=*/false);
  auto writer = open_writer(dir.path());
  {
    auto checkpointer = attach(*writer);
    ASSERT_NE(checkpointer, nullptr);
    for (int n = 0; n < kCommits; ++n) {
      commit_one(*writer, n);
      // Room for the thread to run between commits now and then, as between batches.
      if (n % 50 == 49) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    // The thread's pass may still be running: it ends within a few seconds at most.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (checkpointer->counts().background == 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_GT(checkpointer->counts().background, 0);
    // About three pages a commit: without checkpoints the WAL would hold ~1,200 frames.
    EXPECT_LE(wal_frames(dir.path()), kWalBound);
  }
  writer.reset();
  EXPECT_EQ(query_int(dir.path(), "SELECT COUNT(*) FROM pages"), kCommits);
  EXPECT_EQ(query_int(dir.path(),
                      "SELECT COUNT(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'"),
            0);
}

TEST(Checkpointer, AWriterThatNeverPausesStillHasItsWalBounded) {
  TempDb dir(Limits{}, /*create=*/false);
  auto writer = open_writer(dir.path());
  auto checkpointer = attach(*writer);
  ASSERT_NE(checkpointer, nullptr);
  for (int n = 0; n < kCommits; ++n) commit_one(*writer, n);
  EXPECT_LE(wal_frames(dir.path()), kWalBound);
  auto counts = checkpointer->counts();
  EXPECT_GT(counts.background + counts.foreground, 0);
}

}  // namespace
}  // namespace autobets::sqlite
