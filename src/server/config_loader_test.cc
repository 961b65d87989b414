#include "kalam/server/config_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace kalam::server {
namespace {

using ::testing::HasSubstr;

class ConfigLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("kalam_config_" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string WriteToml(const std::string& text) {
    const auto path = dir_ / "server.toml";
    std::ofstream(path) << text;
    return path.string();
  }

  Result<LoadedConfig> Load(const CommandLine& flags, std::vector<std::string> env = {}) {
    env_storage_ = std::move(env);
    env_ptrs_.clear();
    for (auto& e : env_storage_) env_ptrs_.push_back(e.data());
    env_ptrs_.push_back(nullptr);
    return LoadConfig(flags, env_ptrs_.data());
  }

  std::filesystem::path dir_;
  std::vector<std::string> env_storage_;
  std::vector<char*> env_ptrs_;
};

TEST_F(ConfigLoaderTest, DefaultsWithoutAnyFile) {
  auto loaded = Load(CommandLine{});
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->config.server.host, "127.0.0.1");
  EXPECT_EQ(loaded->config.server.port, 8080);
  EXPECT_EQ(loaded->config.storage.data_path, "./data");
  EXPECT_EQ(loaded->config.auth.bcrypt_cost, 12);
  EXPECT_EQ(loaded->config.limits.max_result_rows, 100000);
}

TEST_F(ConfigLoaderTest, PrecedenceIsFlagsThenEnvThenFile) {
  CommandLine flags;
  flags.config_path = WriteToml("[server]\nport = 9000\nhost = \"0.0.0.0\"\n[limits]\nmax_result_rows = 5\n"
                                "[security]\ncors_allowed_origins = [\"https://a.example\"]\n");
  auto file_only = Load(flags);
  ASSERT_TRUE(file_only.ok()) << file_only.status().ToString();
  EXPECT_EQ(file_only->config.server.port, 9000);
  EXPECT_EQ(file_only->config.limits.max_result_rows, 5);
  EXPECT_EQ(file_only->config.security.cors_allowed_origins, std::vector<std::string>{"https://a.example"});

  auto with_env = Load(flags, {"KALAMDB_SERVER_PORT=9100", "KALAMDB_RATE_LIMIT_MAX_QUERIES_PER_SEC=7",
                               "KALAMDB_SECURITY_CORS_ALLOWED_ORIGINS=https://x, https://y",
                               "KALAMDB_RATE_LIMIT_EXEMPT_LOOPBACK=0", "KALAMDB_ROOT_PASSWORD=kalamdb123",
                               "KALAMDB_DATA_DIR=/tmp/kdata", "PATH=/usr/bin"});
  ASSERT_TRUE(with_env.ok()) << with_env.status().ToString();
  EXPECT_EQ(with_env->config.server.port, 9100);
  EXPECT_EQ(with_env->config.rate_limit.max_queries_per_sec, 7);
  EXPECT_FALSE(with_env->config.rate_limit.exempt_loopback);
  EXPECT_EQ(with_env->config.security.cors_allowed_origins, (std::vector<std::string>{"https://x", "https://y"}));
  EXPECT_EQ(with_env->config.auth.root_password, "kalamdb123");
  EXPECT_EQ(with_env->config.storage.data_path, "/tmp/kdata");

  flags.port = 0;
  flags.host = "127.0.0.1";
  flags.data_dir = "/tmp/flagdata";
  auto with_flags = Load(flags, {"KALAMDB_SERVER_PORT=9100"});
  ASSERT_TRUE(with_flags.ok());
  EXPECT_EQ(with_flags->config.server.port, 0);
  EXPECT_EQ(with_flags->config.server.host, "127.0.0.1");
  EXPECT_EQ(with_flags->config.storage.data_path, "/tmp/flagdata");
}

TEST_F(ConfigLoaderTest, BadValuesNameTheKey) {
  CommandLine flags;
  flags.config_path = WriteToml("[server]\nport = \"eighty\"\n");
  auto typed = Load(flags);
  ASSERT_FALSE(typed.ok());
  EXPECT_THAT(typed.status().message(), HasSubstr("server.port"));

  flags.config_path = WriteToml("[auth]\nbcrypt_cost = 99\n");
  auto ranged = Load(flags);
  ASSERT_FALSE(ranged.ok());
  EXPECT_THAT(ranged.status().message(), HasSubstr("auth.bcrypt_cost"));

  auto env = Load(CommandLine{}, {"KALAMDB_LIMITS_MAX_RESULT_ROWS=lots"});
  ASSERT_FALSE(env.ok());
  EXPECT_THAT(env.status().message(), HasSubstr("limits.max_result_rows"));

  auto level = Load(CommandLine{}, {"KALAMDB_LOG_LEVEL=loud"});
  ASSERT_FALSE(level.ok());
  EXPECT_THAT(level.status().message(), HasSubstr("logging.level"));

  flags.config_path = WriteToml("[server\nport = 1\n");
  EXPECT_FALSE(Load(flags).ok());
  flags.config_path = (dir_ / "missing.toml").string();
  EXPECT_FALSE(Load(flags).ok());
}

TEST_F(ConfigLoaderTest, MemoryAndWriteLimitKeys) {
  auto defaults = Load(CommandLine{});
  ASSERT_TRUE(defaults.ok()) << defaults.status().ToString();
  EXPECT_EQ(defaults->config.limits.max_answer_bytes, 67108864);
  EXPECT_EQ(defaults->config.limits.max_write_rows, 500000);
  EXPECT_EQ(defaults->config.limits.query_memory_limit_mb, 0);
  CommandLine flags;
  flags.config_path = WriteToml("[limits]\nmax_answer_bytes = 1000\nquery_memory_limit_mb = 512\n");
  auto loaded = Load(flags, {"KALAMDB_LIMITS_MAX_WRITE_ROWS=7"});
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(loaded->warnings.empty());
  EXPECT_EQ(loaded->config.limits.max_answer_bytes, 1000);
  EXPECT_EQ(loaded->config.limits.max_write_rows, 7);
  EXPECT_EQ(loaded->config.limits.query_memory_limit_mb, 512);
  auto bad = Load(CommandLine{}, {"KALAMDB_LIMITS_MAX_WRITE_ROWS=0"});
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("limits.max_write_rows"));
}

TEST_F(ConfigLoaderTest, ColdReadCacheKey) {
  auto defaults = Load(CommandLine{});
  ASSERT_TRUE(defaults.ok()) << defaults.status().ToString();
  EXPECT_EQ(defaults->config.storage.cold_read_cache_bytes, 64LL << 20);
  CommandLine flags;
  flags.config_path = WriteToml("[storage]\ncold_read_cache_bytes = 0\n");
  auto off = Load(flags);
  ASSERT_TRUE(off.ok()) << off.status().ToString();
  EXPECT_TRUE(off->warnings.empty());
  EXPECT_EQ(off->config.storage.cold_read_cache_bytes, 0);
  auto bad = Load(CommandLine{}, {"KALAMDB_STORAGE_COLD_READ_CACHE_BYTES=-1"});
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("storage.cold_read_cache_bytes"));
}

TEST_F(ConfigLoaderTest, DurabilityKey) {
  auto defaults = Load(CommandLine{});
  ASSERT_TRUE(defaults.ok()) << defaults.status().ToString();
  EXPECT_EQ(defaults->config.storage.durability, "async");
  CommandLine flags;
  flags.config_path = WriteToml("[storage]\ndurability = \"fsync\"\n");
  auto from_file = Load(flags);
  ASSERT_TRUE(from_file.ok()) << from_file.status().ToString();
  EXPECT_TRUE(from_file->warnings.empty());
  EXPECT_EQ(from_file->config.storage.durability, "fsync");
  auto from_env = Load(flags, {"KALAMDB_STORAGE_DURABILITY=async"});
  ASSERT_TRUE(from_env.ok()) << from_env.status().ToString();
  EXPECT_EQ(from_env->config.storage.durability, "async");
  auto bad = Load(CommandLine{}, {"KALAMDB_STORAGE_DURABILITY=sometimes"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("storage.durability"));
}

TEST_F(ConfigLoaderTest, UnknownKeysWarn) {
  CommandLine flags;
  flags.config_path = WriteToml("[server]\ncolour = \"blue\"\n[mystery]\nx = 1\n[later_feature]\n");
  auto loaded = Load(flags, {"KALAMDB_NOT_A_THING=1"});
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->warnings.size(), 3u);
}

TEST_F(ConfigLoaderTest, EffectiveSettingsMaskSecretsAndDescribeEveryKey) {
  auto loaded = Load(CommandLine{}, {"KALAMDB_ROOT_PASSWORD=hunter2", "KALAMDB_SECURITY_CORS_ALLOWED_ORIGINS=a,b",
                                     "KALAMDB_SERVER_TLS_CERT_PATH=/etc/kalam/cert.pem"});
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const std::vector<Setting> settings = EffectiveSettings(loaded->config);
  auto find = [&](std::string_view name) -> const Setting* {
    for (const Setting& s : settings) {
      if (s.name == name) return &s;
    }
    return nullptr;
  };
  ASSERT_NE(find("auth.root_password"), nullptr);
  EXPECT_EQ(find("auth.root_password")->value, "***");
  EXPECT_EQ(find("auth.jwt_secret")->value, "***");
  EXPECT_EQ(find("security.cors_allowed_origins")->value, "a,b");
  EXPECT_EQ(find("server.tls_cert_path")->value, "/etc/kalam/cert.pem");
  EXPECT_EQ(find("server.port")->value, "8080");
  EXPECT_EQ(find("rate_limit.exempt_loopback")->value, "true");
  EXPECT_EQ(find("rate_limit.exempt_loopback")->category, "rate_limit");
  for (const Setting& s : settings) {
    EXPECT_FALSE(s.description.empty()) << s.name << " has no description (config_descriptions.cc)";
    EXPECT_EQ(s.value.find("hunter2"), std::string::npos) << s.name;
  }
}

TEST_F(ConfigLoaderTest, TlsKeys) {
  CommandLine flags;
  flags.config_path = WriteToml("[server]\ntls_cert_path = \"/c.pem\"\ntls_key_path = \"/k.pem\"\n");
  auto loaded = Load(flags);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(loaded->warnings.empty());
  EXPECT_EQ(loaded->config.server.tls_cert_path, "/c.pem");
  EXPECT_EQ(loaded->config.server.tls_key_path, "/k.pem");
}

}  // namespace
}  // namespace kalam::server
