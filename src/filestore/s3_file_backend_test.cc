// S3FileBackend and S3Client against a real S3-compatible server (s3rver, started on a free
// loopback port by tests/support/s3_test_server.h), including its fault-injecting front.
#include "kalam/filestore/s3_file_backend.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "support/s3_test_server.h"
#include "test_util.h"

namespace kalam::filestore {
namespace {

using testing::S3TestServer;

class S3BackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!S3TestServer::Installed()) GTEST_SKIP() << "s3rver is not installed: run scripts/setup.sh";
    server_ = std::make_unique<S3TestServer>(dir_.Sub("s3"), "kalam-test");
    ASSERT_TRUE(server_->running());
    tuning_.retry_base_delay_ms = 1;
    tuning_.request_timeout_ms = 2000;
  }

  S3Settings Settings(const std::string& access_key = S3TestServer::kAccessKey) const {
    auto settings = ParseS3Settings("s3://kalam-test/base/dir",
                                    R"({"endpoint": ")" + server_->endpoint() + R"(", "path_style": true})",
                                    R"({"access_key_id": ")" + access_key + R"(", "secret_access_key": "S3RVER"})");
    EXPECT_TRUE(settings.ok()) << settings.status().message();
    return *settings;
  }
  std::unique_ptr<S3FileBackend> Backend(uint64_t cache_bytes = 1 << 20) {
    cache_ = std::make_shared<ObjectCache>(dir_.Sub("cache"), cache_bytes);
    return std::make_unique<S3FileBackend>(std::make_unique<S3Client>(Settings(), tuning_), cache_, "st");
  }
  void WriteLocal(const std::string& path, const std::string& bytes) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
  }
  static std::string ReadLocal(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  TestTempDir dir_;
  std::unique_ptr<S3TestServer> server_;
  ServerConfig::ObjectStore tuning_;
  std::shared_ptr<ObjectCache> cache_;
};

TEST_F(S3BackendTest, FilesAndDirectoriesAreKeysUnderThePrefix) {
  auto files = Backend();
  ASSERT_TRUE(files->WriteAtomic("app/t/u1/manifest.json", "{\"v\":1}").ok());
  ASSERT_TRUE(files->WriteAtomic("app/t/u2/manifest.json", "{\"v\":2}").ok());
  ASSERT_TRUE(files->WriteAtomic("app/t/u1/batch-1.parquet", "x").ok());
  EXPECT_EQ(ValueOrDie(files->Read("app/t/u1/manifest.json")), "{\"v\":1}");
  EXPECT_EQ(files->Read("app/t/u3/manifest.json").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ValueOrDie(files->List("app/t/u1")), (std::vector<std::string>{"batch-1.parquet", "manifest.json"}));
  EXPECT_EQ(ValueOrDie(files->ListDirectories("app/t")), (std::vector<std::string>{"u1", "u2"}));
  EXPECT_TRUE(ValueOrDie(files->Exists("app/t")));
  EXPECT_TRUE(ValueOrDie(files->Exists("app/t/u1/batch-1.parquet")));
  EXPECT_FALSE(ValueOrDie(files->Exists("app/other")));
  EXPECT_EQ(ValueOrDie(files->Size("app/t/u1/batch-1.parquet")), 1u);
  EXPECT_EQ(files->Delete("app/t/u1/nothing").code(), StatusCode::kNotFound);
  ASSERT_TRUE(files->Delete("app/t/u1/batch-1.parquet").ok());
  EXPECT_FALSE(ValueOrDie(files->RemoveDirectoryIfEmpty("app/t/u1")));
  ASSERT_TRUE(files->Rename("app/t", "app/t~dropped-1").ok());
  EXPECT_EQ(ValueOrDie(files->ListDirectories("app/t~dropped-1")), (std::vector<std::string>{"u1", "u2"}));
  EXPECT_FALSE(ValueOrDie(files->Exists("app/t")));
  ASSERT_TRUE(files->Rename("app/t~dropped-1", "app/t").ok());
  EXPECT_EQ(files->Rename("app/none", "app/x").code(), StatusCode::kNotFound);
  ASSERT_TRUE(files->DeleteRecursive("app/t").ok());
  EXPECT_FALSE(ValueOrDie(files->Exists("app/t")));
  EXPECT_TRUE(ValueOrDie(files->RemoveDirectoryIfEmpty("app/t/u2")));
  EXPECT_EQ(files->Read("../x").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(S3BackendTest, StagedFileIsUploadedOnRenameAndReadFromTheCache) {
  auto files = Backend();
  ASSERT_TRUE(files->CreateDirectories("ns/t").ok());
  const std::string staged = files->AbsolutePath("ns/t/batch-1.parquet.tmp");
  WriteLocal(staged, "segment bytes");
  ASSERT_TRUE(files->SyncFile("ns/t/batch-1.parquet.tmp").ok());
  ASSERT_TRUE(files->Rename("ns/t/batch-1.parquet.tmp", "ns/t/batch-1.parquet").ok());
  EXPECT_FALSE(std::filesystem::exists(staged));
  EXPECT_EQ(ValueOrDie(files->List("ns/t")), std::vector<std::string>{"batch-1.parquet"});
  auto local = files->LocalReadPath("ns/t/batch-1.parquet");
  ASSERT_TRUE(local.ok());
  EXPECT_EQ(ReadLocal(*local), "segment bytes");

  // A fresh cache (a restart) fetches the object again.
  auto again = Backend();
  auto fetched = again->LocalReadPath("ns/t/batch-1.parquet");
  ASSERT_TRUE(fetched.ok()) << fetched.status().message();
  EXPECT_EQ(ReadLocal(*fetched), "segment bytes");
  EXPECT_EQ(again->LocalReadPath("ns/t/batch-9.parquet").status().code(), StatusCode::kNotFound);
}

TEST_F(S3BackendTest, CacheEvictsLeastRecentlyUsedCopiesBySize) {
  auto files = Backend(/*cache_bytes=*/25);
  for (const char* name : {"a", "b", "c"})
    ASSERT_TRUE(files->WriteAtomic(std::string("d/") + name, std::string(10, *name)).ok());
  const std::string a = ValueOrDie(files->LocalReadPath("d/a"));
  const std::string b = ValueOrDie(files->LocalReadPath("d/b"));
  ASSERT_TRUE(files->LocalReadPath("d/a").ok());  // a is now the most recent
  const std::string c = ValueOrDie(files->LocalReadPath("d/c"));
  EXPECT_TRUE(std::filesystem::exists(a));
  EXPECT_FALSE(std::filesystem::exists(b));
  EXPECT_TRUE(std::filesystem::exists(c));
  EXPECT_LE(cache_->bytes(), 25u);
  EXPECT_EQ(ReadLocal(ValueOrDie(files->LocalReadPath("d/b"))), std::string(10, 'b'));  // fetched again
}

TEST_F(S3BackendTest, LargeFilesGoUpInParts) {
  tuning_.multipart_threshold_bytes = 5 << 20;
  tuning_.multipart_part_bytes = 5 << 20;
  auto files = Backend(64 << 20);
  std::string big(11 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 31 % 251);
  WriteLocal(files->AbsolutePath("big/f.tmp"), big);
  ASSERT_TRUE(files->Rename("big/f.tmp", "big/f").ok());
  EXPECT_EQ(ValueOrDie(files->Size("big/f")), big.size());
  EXPECT_EQ(ValueOrDie(files->Read("big/f")), big);
}

TEST_F(S3BackendTest, ServerErrorsAndTimeoutsAreRetried) {
  auto files = Backend();
  ASSERT_TRUE(server_->FailNext(2, 500));
  ASSERT_TRUE(files->WriteAtomic("r/one", "1").ok());
  EXPECT_EQ(server_->Injected(), 2);
  ASSERT_TRUE(server_->FailNext(1, 503, "GET"));
  EXPECT_EQ(ValueOrDie(files->Read("r/one")), "1");
  tuning_.request_timeout_ms = 300;
  auto quick = Backend();
  ASSERT_TRUE(server_->HangNext(1, "PUT"));
  ASSERT_TRUE(quick->WriteAtomic("r/two", "2").ok());
  EXPECT_EQ(ValueOrDie(quick->Read("r/two")), "2");

  tuning_.max_retries = 2;
  auto limited = Backend();
  ASSERT_TRUE(server_->FailNext(10, 500, "PUT"));
  Status failed = limited->WriteAtomic("r/three", "3");
  EXPECT_EQ(failed.code(), StatusCode::kUnavailable) << failed.message();
  EXPECT_NE(failed.message().find("InternalError"), std::string::npos) << failed.message();
}

// s3rver checks the access key but not SigV4 signatures (its source says so), so a wrong key
// is what it can refuse; the signer itself is checked against AWS's examples (sigv4_test.cc).
TEST_F(S3BackendTest, WrongCredentialsAreRefusedWithoutShowingThem) {
  S3Client client(Settings("NOT-A-KEY"), tuning_);
  auto put = client.Put("x", "1");
  ASSERT_EQ(put.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(put.status().message().find("InvalidAccessKeyId"), std::string::npos) << put.status().message();
  EXPECT_EQ(put.status().message().find("S3RVER"), std::string::npos) << put.status().message();
  const S3ProbeReport report = ProbeS3(client);
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(report.FirstFailure().rfind("list: ", 0), 0u) << report.FirstFailure();
  EXPECT_TRUE(ProbeS3(S3Client(Settings(), tuning_)).ok());
}

TEST(S3Settings, ParsesLocationConfigAndCredentials) {
  auto s = ParseS3Settings("s3://my-bucket/a/b/",
                           R"({"endpoint":"http://127.0.0.1:9000/","region":"eu-west-1","path_style":true})",
                           R"({"access_key_id":"AK","secret_access_key":"SK"})");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->bucket, "my-bucket");
  EXPECT_EQ(s->prefix, "a/b");
  EXPECT_EQ(s->endpoint, "http://127.0.0.1:9000");
  EXPECT_EQ(s->region, "eu-west-1");
  EXPECT_TRUE(s->path_style);
  auto aws = ParseS3Settings("s3://b-1", "", R"({"access_key_id":"AK","secret_access_key":"SK"})");
  ASSERT_TRUE(aws.ok());
  EXPECT_EQ(aws->endpoint, "https://s3." + aws->region + ".amazonaws.com");
  EXPECT_EQ(ParseS3Settings("/local", "", "").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseS3Settings("s3://UPPER", "", R"({"access_key_id":"a","secret_access_key":"b"})").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(
      ParseS3Settings("s3://bucket", R"({"path_style":"yes"})", R"({"access_key_id":"a","secret_access_key":"b"})")
          .status()
          .code(),
      StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kalam::filestore
