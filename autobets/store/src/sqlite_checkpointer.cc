#include "sqlite_checkpointer.h"

#include <algorithm>

namespace autobets::sqlite {

core::Result<std::unique_ptr<Checkpointer>> Checkpointer::attach(Connection& writer,
                                                                 CheckpointLimits limits) {
  auto own = Connection::open(writer.path(), false);
  CORE_RETURN_IF_ERROR(own);
  CORE_RETURN_IF_ERROR((*own)->exec("PRAGMA synchronous=FULL; PRAGMA wal_autocheckpoint=0;"));
  std::unique_ptr<Checkpointer> checkpointer(new Checkpointer(writer, std::move(*own), limits));
  // Replaces the automatic checkpoint's hook (sqlite3_wal_autocheckpoint is one).
  sqlite3_wal_hook(writer.handle(), &Checkpointer::after_commit, checkpointer.get());
  return checkpointer;
}

Checkpointer::Checkpointer(Connection& writer, std::unique_ptr<Connection> own,
                           CheckpointLimits limits)
    : writer_(writer),
      own_(std::move(own)),
      limits_(limits),
      due_frames_(limits.background_frames) {}

Checkpointer::~Checkpointer() {
  sqlite3_wal_hook(writer_.handle(), nullptr, nullptr);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

Checkpointer::Counts Checkpointer::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

int Checkpointer::after_commit(void* self, sqlite3* db, const char* schema, int frames) {
  auto& checkpointer = *static_cast<Checkpointer*>(self);
  if (frames >= checkpointer.limits_.foreground_frames) {
    // As SQLite's automatic checkpoint does, after the thread's pass if one is under way
    // (two checkpoints cannot run at once). SQLITE_BUSY then means another process is
    // checkpointing: the next commit tries again.
    std::unique_lock lock(checkpointer.mutex_);
    checkpointer.idle_.wait(lock, [&] { return !checkpointer.requested_; });
    lock.unlock();
    if (sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) ==
        SQLITE_OK) {
      lock.lock();
      ++checkpointer.counts_.foreground;
    }
    return SQLITE_OK;
  }
  {
    std::lock_guard lock(checkpointer.mutex_);
    if (frames < checkpointer.last_frames_) {
      checkpointer.due_frames_ = checkpointer.limits_.background_frames;
      ++checkpointer.restarts_;
    }
    checkpointer.last_frames_ = frames;
    if (frames < checkpointer.due_frames_ || checkpointer.requested_) return SQLITE_OK;
    checkpointer.requested_ = true;
    if (!checkpointer.thread_.joinable()) {
      checkpointer.thread_ = std::thread([&checkpointer] { checkpointer.run(); });
    }
  }
  checkpointer.wake_.notify_one();
  return SQLITE_OK;
}

int Checkpointer::sync_database() {
  sqlite3_file* file = nullptr;
  int rc = sqlite3_file_control(own_->handle(), "main", SQLITE_FCNTL_FILE_POINTER, &file);
  if (rc != SQLITE_OK || file == nullptr || file->pMethods == nullptr) return rc;
  return file->pMethods->xSync(file, SQLITE_SYNC_NORMAL);
}

void Checkpointer::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || requested_; });
    if (stopping_) {
      requested_ = false;
      idle_.notify_all();
      return;
    }
    std::int64_t restarts = restarts_;
    lock.unlock();
    // A failure (another process checkpointing, an I/O error) changes nothing: the next
    // commit past the threshold asks again, and the writer's bound still holds.
    int frames = 0, copied = 0;
    int rc = sqlite3_wal_checkpoint_v2(own_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &frames,
                                       &copied);
    // SQLite syncs the database file only when a pass copied the whole WAL, which a pass
    // beside a busy writer never does: synced here, so that the writer's checkpoint at the
    // bound finds little left to flush.
    if (rc == SQLITE_OK && copied < frames) rc = sync_database();
    lock.lock();
    if (rc == SQLITE_OK) {
      ++counts_.background;
      if (restarts == restarts_) due_frames_ = std::max(copied, 0) + limits_.background_frames;
    }
    requested_ = false;
    idle_.notify_all();
  }
}

}  // namespace autobets::sqlite
