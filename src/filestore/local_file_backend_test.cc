#include "kalam/filestore/local_file_backend.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_util.h"

namespace kalam::filestore {
namespace {

namespace fs = std::filesystem;

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

void WriteRaw(const std::string& abs, const std::string& content) {
  fs::create_directories(fs::path(abs).parent_path());
  std::ofstream out(abs, std::ios::binary);
  out << content;
}

std::string ReadRaw(const std::string& abs) {
  std::ifstream in(abs, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Every entry below `dir`, relative, sorted: "nothing else was created" is checked this way.
std::vector<std::string> Tree(const std::string& dir) {
  std::vector<std::string> out;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it) {
    out.push_back(fs::relative(it->path(), dir).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class LocalFileBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = LocalFileBackend::Open(tmp_.Sub("base"));
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    files_ = std::move(opened).value();
    outside_ = tmp_.Sub("outside");
    WriteRaw(outside_ + "/secret", "top secret");
  }

  std::string Base() const { return files_->base(); }

  TestTempDir tmp_;
  std::unique_ptr<LocalFileBackend> files_;
  std::string outside_;  // a sibling of the base that nothing may reach
};

TEST_F(LocalFileBackendTest, OpenCreatesBaseAndIsCanonical) {
  EXPECT_EQ(Base(), tmp_.Sub("base"));
  EXPECT_TRUE(fs::is_directory(Base()));
  auto nested = LocalFileBackend::Open(tmp_.Sub("a/b/c"));
  ASSERT_TRUE(nested.ok());
  EXPECT_TRUE(fs::is_directory(tmp_.Sub("a/b/c")));
  // A base reached through a symlink is stored canonical, so confinement compares real paths.
  fs::create_directory_symlink(tmp_.Sub("a"), tmp_.Sub("alias"));
  auto via_link = LocalFileBackend::Open(tmp_.Sub("alias/b"));
  ASSERT_TRUE(via_link.ok());
  EXPECT_EQ((*via_link)->base(), tmp_.Sub("a/b"));
}

TEST_F(LocalFileBackendTest, OpenFailsWhenBaseIsAFile) {
  WriteRaw(tmp_.Sub("plain"), "x");
  EXPECT_FALSE(LocalFileBackend::Open(tmp_.Sub("plain")).ok());
  EXPECT_FALSE(LocalFileBackend::Open(tmp_.Sub("plain/sub")).ok());
  EXPECT_EQ(LocalFileBackend::Open("").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(LocalFileBackendTest, ConstructorIsBestEffort) {
  LocalFileBackend files(tmp_.Sub("ctor/base"));
  EXPECT_EQ(files.base(), tmp_.Sub("ctor/base"));
  ASSERT_TRUE(files.WriteAtomic("x/y", "1").ok());
  EXPECT_EQ(ReadRaw(tmp_.Sub("ctor/base/x/y")), "1");
  // The base vanishing later is repaired by the next write.
  fs::remove_all(tmp_.Sub("ctor"));
  ASSERT_TRUE(files.WriteAtomic("x/y", "2").ok());
  EXPECT_EQ(ReadRaw(tmp_.Sub("ctor/base/x/y")), "2");
}

TEST_F(LocalFileBackendTest, WriteReadOverwrite) {
  ASSERT_TRUE(files_->WriteAtomic("app/messages/alice/manifest.json", "{}").ok());
  EXPECT_EQ(ValueOrDie(files_->Read("app/messages/alice/manifest.json")), "{}");
  ASSERT_TRUE(files_->WriteAtomic("app/messages/alice/manifest.json", "{\"v\":2}").ok());
  EXPECT_EQ(ValueOrDie(files_->Read("app/messages/alice/manifest.json")), "{\"v\":2}");
  // Binary content, NULs included, and empty files survive unchanged.
  const std::string binary("a\0b\xff\n", 5);
  ASSERT_TRUE(files_->WriteAtomic("bin", binary).ok());
  EXPECT_EQ(ValueOrDie(files_->Read("bin")), binary);
  ASSERT_TRUE(files_->WriteAtomic("empty", "").ok());
  EXPECT_EQ(ValueOrDie(files_->Read("empty")), "");
  EXPECT_EQ(ValueOrDie(files_->Size("bin")), 5u);
  // No temp file is left behind.
  EXPECT_THAT(ValueOrDie(files_->List("app/messages/alice")), ElementsAre("manifest.json"));
}

TEST_F(LocalFileBackendTest, LargeFile) {
  std::string big(3 * 1024 * 1024 + 17, 'x');
  for (size_t i = 0; i < big.size(); i += 4096) big[i] = static_cast<char>('a' + i % 26);
  ASSERT_TRUE(files_->WriteAtomic("big", big).ok());
  EXPECT_EQ(ValueOrDie(files_->Read("big")), big);
  EXPECT_EQ(ValueOrDie(files_->Size("big")), big.size());
}

TEST_F(LocalFileBackendTest, ReadMissingIsNotFound) {
  EXPECT_EQ(files_->Read("nope").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(files_->Read("no/such/dir/file").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(files_->Size("nope").status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(files_->CreateDirectories("d").ok());
  EXPECT_FALSE(files_->Read("d").ok());  // a directory is not a file
}

TEST_F(LocalFileBackendTest, ListFilesAndDirectories) {
  ASSERT_TRUE(files_->WriteAtomic("t/b.parquet", "b").ok());
  ASSERT_TRUE(files_->WriteAtomic("t/a.parquet", "a").ok());
  ASSERT_TRUE(files_->WriteAtomic("t/alice/manifest.json", "{}").ok());
  ASSERT_TRUE(files_->CreateDirectories("t/bob").ok());
  EXPECT_THAT(ValueOrDie(files_->List("t")), ElementsAre("a.parquet", "b.parquet"));
  EXPECT_THAT(ValueOrDie(files_->ListDirectories("t")), ElementsAre("alice", "bob"));
  EXPECT_THAT(ValueOrDie(files_->ListDirectories("")), ElementsAre("t"));
  EXPECT_THAT(ValueOrDie(files_->List("")), IsEmpty());
  EXPECT_EQ(files_->List("missing").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(files_->List("t/a.parquet").status().code(), StatusCode::kNotFound);
}

TEST_F(LocalFileBackendTest, ExistsDeleteAndDeleteRecursive) {
  ASSERT_TRUE(files_->WriteAtomic("t/u/f", "1").ok());
  EXPECT_TRUE(ValueOrDie(files_->Exists("t/u/f")));
  EXPECT_TRUE(ValueOrDie(files_->Exists("t/u")));
  EXPECT_TRUE(ValueOrDie(files_->Exists("")));
  EXPECT_FALSE(ValueOrDie(files_->Exists("t/u/g")));
  EXPECT_FALSE(ValueOrDie(files_->Exists("t/u/f/deeper")));

  ASSERT_TRUE(files_->Delete("t/u/f").ok());
  EXPECT_FALSE(ValueOrDie(files_->Exists("t/u/f")));
  EXPECT_EQ(files_->Delete("t/u/f").code(), StatusCode::kNotFound);
  EXPECT_FALSE(files_->Delete("t/u").ok());  // Delete never removes directories

  ASSERT_TRUE(files_->WriteAtomic("t/u/f", "1").ok());
  ASSERT_TRUE(files_->DeleteRecursive("t").ok());
  EXPECT_FALSE(ValueOrDie(files_->Exists("t")));
  EXPECT_TRUE(files_->DeleteRecursive("t").ok());  // idempotent
  EXPECT_EQ(files_->DeleteRecursive("").code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(fs::is_directory(Base()));
}

TEST_F(LocalFileBackendTest, RenameSyncAndCreateDirectories) {
  ASSERT_TRUE(files_->WriteAtomic("t/batch-0.parquet.tmp", "rows").ok());
  ASSERT_TRUE(files_->SyncFile("t/batch-0.parquet.tmp").ok());
  ASSERT_TRUE(files_->Rename("t/batch-0.parquet.tmp", "t/batch-0.parquet").ok());
  EXPECT_THAT(ValueOrDie(files_->List("t")), ElementsAre("batch-0.parquet"));
  // Replaces an existing target, and creates the target's directory.
  ASSERT_TRUE(files_->WriteAtomic("t/other", "new").ok());
  ASSERT_TRUE(files_->Rename("t/other", "t/batch-0.parquet").ok());
  EXPECT_EQ(ValueOrDie(files_->Read("t/batch-0.parquet")), "new");
  ASSERT_TRUE(files_->Rename("t/batch-0.parquet", "moved/deep/f").ok());
  EXPECT_EQ(ValueOrDie(files_->Read("moved/deep/f")), "new");
  EXPECT_EQ(files_->Rename("t/none", "t/x").code(), StatusCode::kNotFound);
  EXPECT_EQ(files_->SyncFile("t/none").code(), StatusCode::kNotFound);

  ASSERT_TRUE(files_->CreateDirectories("x/y/z").ok());
  ASSERT_TRUE(files_->CreateDirectories("x/y/z").ok());
  ASSERT_TRUE(files_->CreateDirectories("").ok());
  EXPECT_TRUE(fs::is_directory(Base() + "/x/y/z"));
  ASSERT_TRUE(files_->WriteAtomic("file", "1").ok());
  EXPECT_FALSE(files_->CreateDirectories("file/sub").ok());
  EXPECT_FALSE(files_->WriteAtomic("file/sub", "1").ok());
}

TEST_F(LocalFileBackendTest, AbsolutePath) {
  EXPECT_EQ(files_->AbsolutePath(""), Base());
  EXPECT_EQ(files_->AbsolutePath("app/t/batch-0.parquet"), Base() + "/app/t/batch-0.parquet");
  EXPECT_EQ(files_->AbsolutePath("../outside/secret"), "");
  EXPECT_EQ(files_->AbsolutePath("/etc/passwd"), "");
}

TEST_F(LocalFileBackendTest, ConcurrentWritersOfOneFile) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < 20; ++i) {
        EXPECT_TRUE(files_->WriteAtomic("shared/f", std::string(1000, static_cast<char>('a' + t))).ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  const std::string content = ValueOrDie(files_->Read("shared/f"));
  ASSERT_EQ(content.size(), 1000u);
  EXPECT_EQ(content, std::string(1000, content[0]));  // one writer's bytes, never a mix
  EXPECT_THAT(ValueOrDie(files_->List("shared")), ElementsAre("f"));
}

// ---- confinement ----------------------------------------------------------------------------

// Paths that must be refused by every operation, before anything touches the disk.
std::vector<std::string> EscapingPaths() {
  return {"..", "../x", "../outside/secret", "a/../../b", "a/..", "a/../b", "./a", "a/./b", ".",
          "/etc/passwd", "/", "//x", "a//b", "a/", std::string("a\0b", 3), std::string("\0", 1),
          "a\\..\\..\\b", "..\\x", std::string(256, 'n') + "/f"};
}

TEST_F(LocalFileBackendTest, EveryOperationRefusesEscapingPaths) {
  const auto before = Tree(tmp_.path());
  for (const std::string& bad : EscapingPaths()) {
    SCOPED_TRACE(testing::Message() << "path '" << bad << "' (" << bad.size() << " bytes)");
    EXPECT_EQ(files_->WriteAtomic(bad, "pwned").code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(files_->Read(bad).status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(files_->Delete(bad).code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(files_->DeleteRecursive(bad).code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(files_->Rename(bad, "ok").code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(files_->Rename("ok", bad).code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(files_->SyncFile(bad).code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(files_->Size(bad).status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(files_->AbsolutePath(bad), "");
    EXPECT_EQ(files_->CreateDirectories(bad).code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(files_->List(bad).status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(files_->ListDirectories(bad).status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(files_->Exists(bad).status().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(Tree(tmp_.path()), before);  // nothing created or removed anywhere
  EXPECT_EQ(ReadRaw(outside_ + "/secret"), "top secret");
}

TEST_F(LocalFileBackendTest, EmptyPathIsTheBaseOnlyWhereAllowed) {
  EXPECT_EQ(files_->WriteAtomic("", "x").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(files_->Read("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(files_->Delete("").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(files_->Size("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(files_->List("").ok());
  EXPECT_TRUE(files_->CreateDirectories("").ok());
}

TEST_F(LocalFileBackendTest, SymlinkedDirectoryPointingOutsideIsRefused) {
  fs::create_directory_symlink(outside_, Base() + "/link");
  EXPECT_EQ(files_->Read("link/secret").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(files_->WriteAtomic("link/new", "pwned").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(files_->WriteAtomic("link/secret", "pwned").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(files_->Delete("link/secret").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(files_->DeleteRecursive("link").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(files_->List("link").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(files_->Size("link/secret").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(files_->SyncFile("link/secret").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(files_->CreateDirectories("link/sub").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(files_->Rename("link/secret", "stolen").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(files_->AbsolutePath("link/secret"), "");
  EXPECT_FALSE(files_->Exists("link/secret").ok());
  EXPECT_EQ(ReadRaw(outside_ + "/secret"), "top secret");
  EXPECT_FALSE(fs::exists(outside_ + "/new"));
  EXPECT_FALSE(fs::exists(outside_ + "/sub"));
  // Listings show neither the link nor what is behind it.
  EXPECT_THAT(ValueOrDie(files_->ListDirectories("")), IsEmpty());
  EXPECT_THAT(ValueOrDie(files_->List("")), IsEmpty());
}

TEST_F(LocalFileBackendTest, SymlinkedFilePointingOutsideIsRefused) {
  fs::create_symlink(outside_ + "/secret", Base() + "/manifest.json");
  EXPECT_EQ(files_->Read("manifest.json").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(files_->WriteAtomic("manifest.json", "pwned").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(files_->Size("manifest.json").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadRaw(outside_ + "/secret"), "top secret");
}

TEST_F(LocalFileBackendTest, DanglingSymlinkIsReplacedNotFollowed) {
  fs::create_symlink(outside_ + "/planted", Base() + "/f");
  ASSERT_TRUE(files_->WriteAtomic("f", "mine").ok());
  EXPECT_FALSE(fs::exists(outside_ + "/planted"));
  EXPECT_FALSE(fs::is_symlink(Base() + "/f"));
  EXPECT_EQ(ReadRaw(Base() + "/f"), "mine");
}

TEST_F(LocalFileBackendTest, DanglingSymlinkedDirectoryIsNotCreatedOutside) {
  fs::create_directory_symlink(outside_ + "/newdir", Base() + "/d");
  EXPECT_FALSE(files_->WriteAtomic("d/f", "x").ok());
  EXPECT_FALSE(files_->CreateDirectories("d/sub").ok());
  EXPECT_FALSE(fs::exists(outside_ + "/newdir"));
}

TEST_F(LocalFileBackendTest, SymlinkInsideTheBaseIsFollowed) {
  ASSERT_TRUE(files_->WriteAtomic("real/f", "inside").ok());
  fs::create_directory_symlink(Base() + "/real", Base() + "/alias");
  EXPECT_EQ(ValueOrDie(files_->Read("alias/f")), "inside");
}

// ---- ProbeStorage ---------------------------------------------------------------------------

TEST(ProbeStorageTest, SucceedsAndLeavesNothingBehind) {
  TestTempDir tmp;
  ASSERT_TRUE(ProbeStorage(tmp.Sub("new/storage")).ok());
  EXPECT_TRUE(fs::is_directory(tmp.Sub("new/storage")));
  EXPECT_THAT(Tree(tmp.Sub("new/storage")), IsEmpty());
  ASSERT_TRUE(ProbeStorage(tmp.Sub("new/storage")).ok());  // existing directory is fine
}

TEST(ProbeStorageTest, FailsWithAClearMessage) {
  TestTempDir tmp;
  WriteRaw(tmp.Sub("file"), "x");
  Status s = ProbeStorage(tmp.Sub("file/storage"));
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), StartsWith("Storage check failed for '" + tmp.Sub("file/storage") + "': "));
  EXPECT_THAT(s.message(), HasSubstr("base directory"));
  EXPECT_EQ(ProbeStorage("").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ProbeStorage("s3://bucket/x").code(), StatusCode::kUnsupported);
}

// A directory where no file can be written, whoever runs the test (root ignores directory
// permissions): a child process whose file size limit is 0, so every write fails with EFBIG.
TEST(ProbeStorageTest, FailsWhenNoFileCanBeWritten) {
  TestTempDir tmp;
  fs::create_directories(tmp.Sub("full"));
  int report[2];
  ASSERT_EQ(::pipe(report), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(report[0]);
    ::signal(SIGXFSZ, SIG_IGN);
    const struct rlimit none = {0, 0};
    ::setrlimit(RLIMIT_FSIZE, &none);
    const Status s = ProbeStorage(tmp.Sub("full"));
    const std::string answer = s.ok() ? "ok" : s.message();
    (void)!::write(report[1], answer.data(), answer.size());
    ::_exit(0);
  }
  ::close(report[1]);
  std::string answer;
  char buffer[512];
  for (ssize_t n; (n = ::read(report[0], buffer, sizeof buffer)) > 0;) answer.append(buffer, static_cast<size_t>(n));
  ::close(report[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_THAT(answer, StartsWith("Storage check failed for '" + tmp.Sub("full") + "': cannot write a file"));
  EXPECT_THAT(Tree(tmp.Sub("full")), IsEmpty());  // no half-written probe left behind
}

}  // namespace
}  // namespace kalam::filestore
