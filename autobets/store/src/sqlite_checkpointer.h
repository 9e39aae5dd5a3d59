// Checkpoints of the store's WAL off the commit thread. A checkpoint copies the WAL's pages
// into the database file and syncs it (tens of milliseconds on a busy disk); run by SQLite's
// automatic checkpoint it happens inside a COMMIT, so every request of that batch and of
// the batches queued behind it waits for it.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "sqlite_connection.h"

namespace autobets::sqlite {

// When the checkpointer starts and when the writer takes over (in WAL frames, pages).
struct CheckpointLimits {
  // A commit that leaves at least this many frames in the WAL wakes the checkpointer
  // (SQLite's own automatic checkpoint would run here, on the committing thread).
  int background_frames = 4000;
  // A commit that leaves at least this many runs a passive checkpoint itself, as SQLite's
  // automatic checkpoint does (after the thread's pass, if one is under way): the bound on
  // the WAL's size. The WAL restarts from its start
  // only when a write transaction begins with every frame copied, which a checkpointer
  // running beside a writer that never pauses does not achieve; by then the checkpointer
  // has copied all but the last few frames, so this checkpoint is short.
  int foreground_frames = 16000;
};

// Watches one writer connection and runs passive checkpoints (which never block the
// writer nor readers) of its database on a thread and connection of its own. The writer's
// automatic checkpoint is turned off. Destroy the checkpointer before the writer.
class Checkpointer {
 public:
  // Opens the checkpointer's connection to the writer's file (synchronous=FULL, so each
  // checkpoint syncs the WAL before copying and the database after) and installs the
  // writer's WAL hook. The thread starts at the first commit that needs it.
  static core::Result<std::unique_ptr<Checkpointer>> attach(Connection& writer,
                                                            CheckpointLimits limits = {});
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Checkpoints run so far by the thread (background), and by the writer at the size bound.
  struct Counts {
    std::int64_t background = 0;
    std::int64_t foreground = 0;
  };
  Counts counts() const;

 private:
  Checkpointer(Connection& writer, std::unique_ptr<Connection> own, CheckpointLimits limits);
  // The writer's WAL hook: called by SQLite on the committing thread after each commit.
  static int after_commit(void* self, sqlite3* db, const char* schema, int frames);
  void run();
  // Flushes the database file (SQLite's own sync of it, through the thread's connection).
  int sync_database();

  Connection& writer_;
  std::unique_ptr<Connection> own_;  // used by the thread only
  CheckpointLimits limits_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;  // the thread's pass ended
  bool requested_ = false;        // a pass is due or under way
  bool stopping_ = false;
  // The WAL size (frames) at which the next background checkpoint is due: one threshold past
  // the frames the last one copied, so that a WAL that cannot restart under load is copied
  // once per threshold of new frames, not continuously.
  int due_frames_;
  int last_frames_ = 0;        // seen by the previous commit: fewer now means the WAL restarted
  std::int64_t restarts_ = 0;  // of the WAL, seen so far (a pass's count is of its WAL)
  Counts counts_;              // foreground ones counted on the writer's thread
  std::thread thread_;         // started by the first request
};

}  // namespace autobets::sqlite
