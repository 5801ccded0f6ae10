#include "app/config.h"
#include "config_fixture.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <tuple>

namespace hark::app {
namespace {

using testing::ConfigFile;
using testing::env_of;

TEST(Config, DefaultsWithNothingSet) {
  auto c = load_config({}, env_of({}));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->server.host, "0.0.0.0");
  EXPECT_EQ(c->server.port, 8000);
  EXPECT_EQ(c->data_dir, std::filesystem::path("./data"));
  EXPECT_TRUE(c->skills_dirs.empty());
  EXPECT_TRUE(c->auth.allow_register);
  EXPECT_EQ(c->auth.access_ttl.count(), 3600);
}

TEST(Config, FlagsInBothSpellings) {
  auto c = load_config({"--host", "127.0.0.1", "--port=0", "--data-dir", "d1", "--skills-dir",
                        "a", "--skills-dir=b", "--no-register", "--access-ttl", "60",
                        "--threads", "3", "--workers", "4", "--log-level", "debug"},
                       env_of({}));
  ASSERT_TRUE(c.has_value()) << c.error().detail;
  EXPECT_EQ(c->server.host, "127.0.0.1");
  EXPECT_EQ(c->server.port, 0);
  EXPECT_EQ(c->data_dir, std::filesystem::path("d1"));
  ASSERT_EQ(c->skills_dirs.size(), 2u);
  EXPECT_EQ(c->skills_dirs[1], std::filesystem::path("b"));
  EXPECT_FALSE(c->auth.allow_register);
  EXPECT_EQ(c->auth.access_ttl.count(), 60);
  EXPECT_EQ(c->server.io_threads, 3);
  EXPECT_EQ(c->server.worker_threads, 4);
  EXPECT_EQ(c->log_level, "debug");
}

TEST(Config, FlagsBeatEnvironmentWhichBeatsFile) {
  ConfigFile file("host: 10.0.0.1\nport: 7000\ndata_dir: from_file\nworkers: 5\n");
  auto c = load_config({"--port", "9000"},
                       env_of({{"HARK_CONFIG", file.path()}, {"HARK_PORT", "8500"},
                               {"HARK_DATA_DIR", "from_env"}}));
  ASSERT_TRUE(c.has_value()) << c.error().detail;
  EXPECT_EQ(c->server.port, 9000);                                  // flag
  EXPECT_EQ(c->data_dir, std::filesystem::path("from_env"));  // environment
  EXPECT_EQ(c->server.host, "10.0.0.1");                            // file
  EXPECT_EQ(c->server.worker_threads, 5);                           // file
}

TEST(Config, SkillsDirFromEnvironmentIsColonSeparated) {
  auto c = load_config({}, env_of({{"HARK_SKILLS_DIR", "one:two::three"}}));
  ASSERT_TRUE(c.has_value());
  ASSERT_EQ(c->skills_dirs.size(), 3u);
  EXPECT_EQ(c->skills_dirs[2], std::filesystem::path("three"));
  // A flag list replaces the environment's list rather than adding to it.
  auto d = load_config({"--skills-dir", "x"}, env_of({{"HARK_SKILLS_DIR", "one:two"}}));
  ASSERT_TRUE(d.has_value());
  ASSERT_EQ(d->skills_dirs.size(), 1u);
  EXPECT_EQ(d->skills_dirs[0], std::filesystem::path("x"));
}

TEST(Config, AllowRegisterFromEnvironment) {
  for (std::string off : {"0", "false", "No", "off"}) {
    auto c = load_config({}, env_of({{"HARK_ALLOW_REGISTER", off}}));
    ASSERT_TRUE(c.has_value()) << off;
    EXPECT_FALSE(c->auth.allow_register) << off;
  }
  auto bad = load_config({}, env_of({{"HARK_ALLOW_REGISTER", "maybe"}}));
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().detail.find("HARK_ALLOW_REGISTER"), std::string::npos);
}

// The abuse limits of SECURITY.md, from the file (a list of proxies) and the environment.
TEST(Config, AbuseLimitsFromFileAndEnvironment) {
  ConfigFile file(
      "trusted_proxies:\n  - 10.0.0.1\n  - 10.0.0.2\nhash_threads: 2\nheader_timeout: 3\n"
      "max_connections_per_address: 10\nrefresh_grace: 0\nregistrations_per_hour: 0\n");
  auto c = load_config({"--config", file.path()}, env_of({{"HARK_HASH_QUEUE_LIMIT", "4"}}));
  ASSERT_TRUE(c.has_value()) << c.error().detail;
  EXPECT_EQ(c->server.trusted_proxies, (std::vector<std::string>{"10.0.0.1", "10.0.0.2"}));
  EXPECT_EQ(c->server.hash_threads, 2);
  EXPECT_EQ(c->server.hash_queue_limit, 4);
  EXPECT_EQ(c->server.header_timeout.count(), 3);
  EXPECT_EQ(c->server.max_connections_per_address, 10);
  EXPECT_EQ(c->auth.refresh_grace.count(), 0);
  EXPECT_EQ(c->auth.registrations_per_hour, 0);
  auto env = load_config({}, env_of({{"HARK_TRUSTED_PROXIES", "10.1.1.1, 10.1.1.2"}}));
  ASSERT_TRUE(env.has_value());
  EXPECT_EQ(env->server.trusted_proxies, (std::vector<std::string>{"10.1.1.1", "10.1.1.2"}));
  auto defaults = load_config({}, env_of({}));
  ASSERT_TRUE(defaults.has_value());
  EXPECT_TRUE(defaults->server.trusted_proxies.empty());
  EXPECT_EQ(defaults->auth.refresh_grace.count(), 30);
  EXPECT_FALSE(load_config({}, env_of({{"HARK_HEADER_TIMEOUT", "0"}})).has_value());
}

TEST(Config, BadValuesNameTheirSource) {
  struct Case {
    std::vector<std::string> args;
    std::map<std::string, std::string> env;
    std::string names;
  };
  std::vector<Case> cases = {
      {{"--port", "70000"}, {}, "--port"},
      {{"--port", "eighty"}, {}, "--port"},
      {{"--port"}, {}, "--port"},
      {{"--threads", "0"}, {}, "--threads"},
      {{"--log-level", "loud"}, {}, "--log-level"},
      {{"--frobnicate"}, {}, "--frobnicate"},
      {{"stray"}, {}, "stray"},
      {{}, {{"HARK_PORT", "-1"}}, "HARK_PORT"},
      {{}, {{"HARK_ACCESS_TTL", "soon"}}, "HARK_ACCESS_TTL"},
      {{}, {{"HARK_JWT_SECRET", "short"}}, "HARK_JWT_SECRET"},
  };
  for (const auto& c : cases) {
    auto r = load_config(c.args, env_of(c.env));
    ASSERT_FALSE(r.has_value()) << c.names;
    EXPECT_EQ(r.error().code, Errc::invalid_field);
    EXPECT_NE(r.error().detail.find(c.names), std::string::npos) << r.error().detail;
  }
}

TEST(Config, PositionalArgumentsCollectedWhenAsked) {
  std::vector<std::string> positional;
  auto c = load_config({"me@example.org", "--data-dir", "d"}, env_of({}), &positional);
  ASSERT_TRUE(c.has_value());
  ASSERT_EQ(positional.size(), 1u);
  EXPECT_EQ(positional[0], "me@example.org");
}

TEST(Config, FileErrorsNameFileAndLine) {
  ConfigFile unknown("host: 127.0.0.1\nprot: 80\n");
  auto r = load_config({"--config", unknown.path()}, env_of({}));
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().detail.find(unknown.path() + ":2"), std::string::npos) << r.error().detail;
  EXPECT_NE(r.error().detail.find("prot"), std::string::npos);

  ConfigFile broken("host: [unclosed\n");
  auto b = load_config({"--config", broken.path()}, env_of({}));
  ASSERT_FALSE(b.has_value());
  EXPECT_NE(b.error().detail.find(broken.path()), std::string::npos);

  auto missing = load_config({"--config", "no/such/file.yaml"}, env_of({}));
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().detail.find("no/such/file.yaml"), std::string::npos);
}

TEST(Config, FileSkillsDirsAsList) {
  ConfigFile file("skills_dirs:\n  - first\n  - second\nallow_register: false\n");
  auto c = load_config({"--config", file.path()}, env_of({}));
  ASSERT_TRUE(c.has_value()) << c.error().detail;
  ASSERT_EQ(c->skills_dirs.size(), 2u);
  EXPECT_EQ(c->skills_dirs[0], std::filesystem::path("first"));
  EXPECT_FALSE(c->auth.allow_register);
}

TEST(Config, DatabaseUrlFromFlagEnvironmentOrFile) {
  auto none = load_config({}, env_of({}));
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(none->database_url, "");  // SQLite
  EXPECT_EQ(none->postgres.pool_size, 4);

  ConfigFile file("database_url: postgresql://file@db/hark\ndatabase_pool: 7\n");
  auto from_file = load_config({"--config", file.path()}, env_of({}));
  ASSERT_TRUE(from_file.has_value()) << from_file.error().detail;
  EXPECT_EQ(from_file->database_url, "postgresql://file@db/hark");
  EXPECT_EQ(from_file->postgres.pool_size, 7);

  auto from_env = load_config({"--config", file.path()},
                              env_of({{"HARK_DATABASE_URL", "postgresql://env@db/hark"},
                                      {"HARK_DATABASE_POOL", "9"}}));
  ASSERT_TRUE(from_env.has_value()) << from_env.error().detail;
  EXPECT_EQ(from_env->database_url, "postgresql://env@db/hark");
  EXPECT_EQ(from_env->postgres.pool_size, 9);

  auto from_flag = load_config({"--database-url=postgres://flag@db/hark"},
                               env_of({{"HARK_DATABASE_URL", "postgresql://env@db/hark"}}));
  ASSERT_TRUE(from_flag.has_value()) << from_flag.error().detail;
  EXPECT_EQ(from_flag->database_url, "postgres://flag@db/hark");

  for (const auto& [args, env, names] :
       std::vector<std::tuple<std::vector<std::string>, std::map<std::string, std::string>, std::string>>{
           {{"--database-url", "mysql://x"}, {}, "--database-url"},
           {{}, {{"HARK_DATABASE_URL", "hark.db"}}, "HARK_DATABASE_URL"},
           {{}, {{"HARK_DATABASE_POOL", "0"}}, "HARK_DATABASE_POOL"}}) {
    auto r = load_config(args, env_of(env));
    ASSERT_FALSE(r.has_value()) << names;
    EXPECT_NE(r.error().detail.find(names), std::string::npos) << r.error().detail;
  }
}

}  // namespace
}  // namespace hark::app
