#include "core/atomic_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "core/process.h"

namespace core {
namespace {

namespace fs = std::filesystem;

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("atomic_file_test_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream contents;
    contents << in.rdbuf();
    return contents.str();
  }
  std::size_t entries() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), {}));
  }

  fs::path dir_;
};

TEST_F(AtomicFileTest, CommitReplacesTheTargetWithTheWholeContents) {
  fs::path target = dir_ / "out.txt";
  ASSERT_TRUE(write_file_atomically(target, "old\n").has_value());
  std::string big(3 << 20, 'x');  // larger than the internal buffer
  auto writer = AtomicFileWriter::open(target);
  ASSERT_TRUE(writer.has_value());
  ASSERT_TRUE(writer->write("head\n").has_value());
  ASSERT_TRUE(writer->write(big).has_value());
  EXPECT_EQ(read(target), "old\n");  // nothing visible before commit
  ASSERT_TRUE(writer->commit().has_value());
  EXPECT_EQ(read(target), "head\n" + big);
  EXPECT_EQ(writer->bytes_written(), 5 + big.size());
  EXPECT_EQ(entries(), 1u);  // no temporary left behind
}

TEST_F(AtomicFileTest, AbandonedWriterLeavesTheTargetAndNoTemporary) {
  fs::path target = dir_ / "out.txt";
  ASSERT_TRUE(write_file_atomically(target, "previous").has_value());
  {
    auto writer = AtomicFileWriter::open(target);
    ASSERT_TRUE(writer.has_value());
    ASSERT_TRUE(writer->write("half of a new version").has_value());
  }
  EXPECT_EQ(read(target), "previous");
  EXPECT_EQ(entries(), 1u);
}

TEST_F(AtomicFileTest, KilledWriterNeverExposesAPartialTarget) {
  fs::path target = dir_ / "out.txt";
  auto child = Child::fork([&] {
    auto writer = AtomicFileWriter::open(target);
    if (!writer) return 1;
    (void)writer->write(std::string(5 << 20, 'y'));
    ::kill(::getpid(), SIGKILL);
    return 2;
  });
  ASSERT_TRUE(child.has_value()) << child.error().message();
  auto status = child->wait();
  ASSERT_TRUE(status.has_value());
  ASSERT_EQ(status->kind, ExitStatus::Kind::kSignaled) << status->describe();
  EXPECT_FALSE(fs::exists(target));
}

TEST_F(AtomicFileTest, RenameOnlyDurabilityStillReplacesAtomically) {
  fs::path target = dir_ / "out.txt";
  ASSERT_TRUE(write_file_atomically(target, "old\n").has_value());
  auto writer = AtomicFileWriter::open(target, AtomicFileWriter::Durability::kRenameOnly);
  ASSERT_TRUE(writer.has_value());
  ASSERT_TRUE(writer->write("new\n").has_value());
  EXPECT_EQ(read(target), "old\n");
  ASSERT_TRUE(writer->commit().has_value());
  EXPECT_EQ(read(target), "new\n");
  EXPECT_EQ(entries(), 1u);
}

TEST_F(AtomicFileTest, AppendFromCopiesARangeOfAnotherFile) {
  fs::path source = dir_ / "source.txt";
  std::string data(3 << 20, 'a');
  for (std::size_t i = 0; i < data.size(); i += 7) data[i] = static_cast<char>('a' + i % 26);
  ASSERT_TRUE(write_file_atomically(source, data).has_value());
  int fd = ::open(source.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  fs::path target = dir_ / "out.txt";
  auto writer = AtomicFileWriter::open(target);
  ASSERT_TRUE(writer.has_value());
  ASSERT_TRUE(writer->write("head:").has_value());
  ASSERT_TRUE(writer->append_from(fd, 5, (2 << 20) + 3).has_value());
  ASSERT_TRUE(writer->write(":tail").has_value());
  EXPECT_FALSE(writer->append_from(fd, data.size() - 2, 10).has_value());  // too short
  writer->abandon();
  auto again = AtomicFileWriter::open(target);
  ASSERT_TRUE(again->write("head:").has_value());
  ASSERT_TRUE(again->append_from(fd, 5, (2 << 20) + 3).has_value());
  ASSERT_TRUE(again->write(":tail").has_value());
  ASSERT_TRUE(again->commit().has_value());
  ::close(fd);
  EXPECT_EQ(read(target), "head:" + data.substr(5, (2 << 20) + 3) + ":tail");
}

TEST_F(AtomicFileTest, LargeSyncedAppendFromKeepsEveryByteAroundTheDirectCopy) {
  // Several direct-I/O chunks, an unaligned start in the target and an unaligned tail.
  fs::path source = dir_ / "source.bin";
  std::string data(11 << 20, '\0');
  std::uint64_t state = 42;
  for (char& c : data) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    c = static_cast<char>(state >> 56);
  }
  ASSERT_TRUE(write_file_atomically(source, data).has_value());
  int fd = ::open(source.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  for (auto durability :
       {AtomicFileWriter::Durability::kFsync, AtomicFileWriter::Durability::kRenameOnly}) {
    fs::path target = dir_ / "out.bin";
    auto writer = AtomicFileWriter::open(target, durability);
    ASSERT_TRUE(writer.has_value());
    ASSERT_TRUE(writer->write("odd head").has_value());
    ASSERT_TRUE(writer->append_from(fd, 7, data.size() - 1000).has_value());
    ASSERT_TRUE(writer->write("|").has_value());
    ASSERT_TRUE(writer->append_from(fd, 3, (5 << 20) + 1).has_value());
    ASSERT_TRUE(writer->write("end").has_value());
    ASSERT_TRUE(writer->commit().has_value());
    std::string expected = "odd head" + data.substr(7, data.size() - 1000) + "|" +
                           data.substr(3, (5 << 20) + 1) + "end";
    EXPECT_EQ(writer->bytes_written(), expected.size());
    EXPECT_TRUE(read(target) == expected);
  }
  // A large range past the end of the source fails and leaves nothing behind.
  auto writer = AtomicFileWriter::open(dir_ / "short.bin");
  ASSERT_TRUE(writer.has_value());
  auto copied = writer->append_from(fd, data.size() - (2 << 20), 3 << 20);
  ASSERT_FALSE(copied.has_value());
  EXPECT_EQ(copied.error().code(), ErrorCode::kIo);
  EXPECT_NE(copied.error().message().find("ended"), std::string::npos);
  EXPECT_FALSE(writer->commit().has_value());
  ::close(fd);
  writer->abandon();
  EXPECT_EQ(entries(), 2u);  // source.bin and out.bin
}

TEST_F(AtomicFileTest, CommitAllPublishesEveryFileOrNoneWhenOneCannotBeSynced) {
  auto a = AtomicFileWriter::open(dir_ / "a.txt");
  auto b = AtomicFileWriter::open(dir_ / "sub-less-b.txt");
  ASSERT_TRUE(a.has_value() && b.has_value());
  ASSERT_TRUE(a->write("first\n").has_value());
  ASSERT_TRUE(a->sync().has_value());  // synced early, then written to again
  ASSERT_TRUE(a->write("second\n").has_value());
  ASSERT_TRUE(b->write("b\n").has_value());
  std::vector<AtomicFileWriter*> both = {&*a, &*b};
  ASSERT_TRUE(AtomicFileWriter::commit_all(both).has_value());
  EXPECT_EQ(read(dir_ / "a.txt"), "first\nsecond\n");
  EXPECT_EQ(read(dir_ / "sub-less-b.txt"), "b\n");
  EXPECT_EQ(entries(), 2u);

  // One writer has failed: the sync step fails before anything is renamed.
  auto c = AtomicFileWriter::open(dir_ / "c.txt");
  auto d = AtomicFileWriter::open(dir_ / "d.txt");
  ASSERT_TRUE(c.has_value() && d.has_value());
  ASSERT_TRUE(c->write("c\n").has_value());
  int fd = ::open((dir_ / "a.txt").c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  EXPECT_FALSE(d->append_from(fd, 0, 100).has_value());  // a.txt holds 14 bytes
  ::close(fd);
  std::vector<AtomicFileWriter*> pair = {&*c, &*d};
  EXPECT_FALSE(AtomicFileWriter::commit_all(pair).has_value());
  c->abandon();
  d->abandon();
  EXPECT_FALSE(fs::exists(dir_ / "c.txt"));
  EXPECT_FALSE(fs::exists(dir_ / "d.txt"));
  EXPECT_EQ(entries(), 2u);
}

TEST_F(AtomicFileTest, MissingDirectoryIsAClearIoError) {
  auto writer = AtomicFileWriter::open(dir_ / "no-such-dir" / "out.txt");
  ASSERT_FALSE(writer.has_value());
  EXPECT_EQ(writer.error().code(), ErrorCode::kIo);
  EXPECT_NE(writer.error().message().find("no-such-dir"), std::string::npos);
  EXPECT_NE(writer.error().message().find("No such file or directory"), std::string::npos);
}

mode_t mode_of(const fs::path& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0);
  return info.st_mode & 07777;
}

// Sets the umask for one test and restores it.
struct ScopedUmask {
  explicit ScopedUmask(mode_t mask) : old(::umask(mask)) {}
  ~ScopedUmask() { ::umask(old); }
  mode_t old;
};

TEST_F(AtomicFileTest, ClosedFilesStayUnpublishedUntilCommitAndVanishWhenAbandoned) {
  std::vector<std::unique_ptr<AtomicFileWriter>> writers;
  for (int i = 0; i < 3; ++i) {
    auto writer = AtomicFileWriter::open(dir_ / ("part-" + std::to_string(i)));
    ASSERT_TRUE(writer.has_value());
    ASSERT_TRUE(writer->write("part " + std::to_string(i) + "\n").has_value());
    ASSERT_TRUE(writer->close_file().has_value());
    EXPECT_FALSE(writer->write("more").has_value());  // closed for writing
    writers.push_back(std::make_unique<AtomicFileWriter>(std::move(*writer)));
  }
  EXPECT_EQ(entries(), 3u);  // three temporaries, no target yet
  EXPECT_FALSE(fs::exists(dir_ / "part-0"));
  std::vector<AtomicFileWriter*> first_two = {writers[0].get(), writers[1].get()};
  ASSERT_TRUE(AtomicFileWriter::commit_all(first_two).has_value());
  EXPECT_EQ(read(dir_ / "part-1"), "part 1\n");
  writers.clear();  // the third was never committed
  EXPECT_EQ(entries(), 2u);
  EXPECT_FALSE(fs::exists(dir_ / "part-2"));
}

TEST_F(AtomicFileTest, AtomicWriteKeepsAnExistingTargetsMode) {
  fs::path target = dir_ / "out.txt";
  ASSERT_TRUE(write_file_atomically(target, "secret\n").has_value());
  ASSERT_EQ(::chmod(target.c_str(), 0600), 0);
  ASSERT_TRUE(write_file_atomically(target, "new secret\n").has_value());
  EXPECT_EQ(mode_of(target), 0600u);
  ASSERT_EQ(::chmod(target.c_str(), 0751), 0);
  ASSERT_TRUE(write_file_atomically(target, "again\n").has_value());
  EXPECT_EQ(mode_of(target), 0751u);
  EXPECT_EQ(read(target), "again\n");
}

TEST_F(AtomicFileTest, AtomicWriteOfANewFileRespectsTheUmask) {
  ScopedUmask mask(027);
  fs::path target = dir_ / "new.txt";
  ASSERT_TRUE(write_file_atomically(target, "x").has_value());
  EXPECT_EQ(mode_of(target), 0640u);
  ScopedUmask open_mask(0);
  fs::path open_target = dir_ / "open.txt";
  ASSERT_TRUE(write_file_atomically(open_target, "x").has_value());
  EXPECT_EQ(mode_of(open_target), 0666u);
}

TEST_F(AtomicFileTest, AtomicWriteCanAskForOwnerOnlyMode) {
  ScopedUmask mask(0);
  fs::path target = dir_ / "session.json";
  ASSERT_TRUE(write_file_atomically(target, "public").has_value());
  ASSERT_EQ(mode_of(target), 0666u);
  auto writer = AtomicFileWriter::open(target, AtomicFileWriter::Durability::kFsync,
                                       AtomicFileWriter::Permissions::kOwnerOnly);
  ASSERT_TRUE(writer.has_value());
  ASSERT_TRUE(writer->write("token").has_value());
  // Even the temporary file is private while the secret is being written.
  for (const auto& entry : fs::directory_iterator(dir_)) {
    if (entry.path() != target) {
      EXPECT_EQ(mode_of(entry.path()), 0600u);
    }
  }
  ASSERT_TRUE(writer->commit().has_value());
  EXPECT_EQ(mode_of(target), 0600u);
  EXPECT_EQ(read(target), "token");
}

}  // namespace
}  // namespace core
