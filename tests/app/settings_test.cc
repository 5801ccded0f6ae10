// The settings table: every row reads from the file, the environment and its flag in that
// order of precedence, refuses what its range refuses, and is listed by the usage text and
// README's table.
#include "app/config.h"
#include "app/settings.h"
#include "config_fixture.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

namespace hark::app {
namespace {

using testing::ConfigFile;
using testing::env_of;

bool is_config_row(const Setting& s) { return std::string_view(s.env) == "HARK_CONFIG"; }

// Three different texts `s` accepts, for the file, the environment and the flag.
std::vector<std::string> samples(const Setting& s) {
  switch (s.kind) {
    case Setting::Kind::integer:
      return {std::to_string(s.hi), std::to_string(s.hi - 1), std::to_string(s.lo + 1)};
    case Setting::Kind::boolean:
      return {"false", "true", "false"};  // a flag of a boolean row turns it off
    case Setting::Kind::paths:
      return {"file_a:file_b", "env_dir", "flag_dir"};
    case Setting::Kind::list:
      return {"10.0.0.1,10.0.0.2", "10.0.0.3", "10.0.0.4"};
    case Setting::Kind::text: break;
  }
  std::vector<std::string> out;
  for (std::string c : {"sample-value-number-1", "debug", "postgresql://one@db/hark",
                        "sample-value-number-2", "warn", "postgresql://two@db/hark",
                        "sample-value-number-3", "error", "postgres://three@db/hark"})
    if (out.size() < 3 && parse_setting(s, c, "test")) out.push_back(c);
  return out;
}

SettingValue parsed(const Setting& s, const std::string& text) {
  auto v = parse_setting(s, text, "test");
  EXPECT_TRUE(v.has_value()) << s.name() << ": " << text;
  return v ? *v : SettingValue{};
}

TEST(Settings, EveryRowReadsFileThenEnvironmentThenFlag) {
  std::string yaml;
  std::map<std::string, std::string> env;
  std::vector<std::string> flags;
  for (const auto& s : settings()) {
    if (is_config_row(s)) continue;  // names the file itself: see config_test.cc
    auto v = samples(s);
    ASSERT_EQ(v.size(), 3u) << s.name();
    if (*s.key) yaml += std::string(s.key) + ": \"" + v[0] + "\"\n";
    if (*s.env) env[s.env] = v[1];
    if (*s.flag && s.kind == Setting::Kind::boolean) flags.push_back(s.flag);
    else if (*s.flag) flags.insert(flags.end(), {s.flag, v[2]});
  }
  ConfigFile file(yaml);
  std::vector<std::string> config_flag = {"--config", file.path()};
  auto only_file = load_config(config_flag, env_of({}));
  ASSERT_TRUE(only_file.has_value()) << only_file.error().detail;
  auto file_env = load_config(config_flag, env_of(env));
  ASSERT_TRUE(file_env.has_value()) << file_env.error().detail;
  std::vector<std::string> all = config_flag;
  all.insert(all.end(), flags.begin(), flags.end());
  auto file_env_flags = load_config(all, env_of(env));
  ASSERT_TRUE(file_env_flags.has_value()) << file_env_flags.error().detail;

  std::size_t checked = 0;
  for (const auto& s : settings()) {
    if (is_config_row(s)) continue;
    auto v = samples(s);
    SettingValue from_file = *s.key ? parsed(s, v[0]) : s.load(Config{});
    SettingValue from_env = *s.env ? parsed(s, v[1]) : from_file;
    SettingValue from_flag = *s.flag ? parsed(s, v[2]) : from_env;
    EXPECT_EQ(s.load(*only_file), from_file) << s.name();
    EXPECT_EQ(s.load(*file_env), from_env) << s.name();
    EXPECT_EQ(s.load(*file_env_flags), from_flag) << s.name();
    // Each layer really changes the value (else the test could not see precedence).
    if (*s.key) EXPECT_NE(s.load(*only_file), s.load(Config{})) << s.name();
    if (*s.key && *s.env) EXPECT_NE(from_file, from_env) << s.name();
    ++checked;
  }
  EXPECT_EQ(checked + 1, settings().size());
}

TEST(Settings, OutOfRangeIsRefusedNamingTheSetting) {
  for (const auto& s : settings()) {
    std::vector<std::string> refused;
    if (s.kind == Setting::Kind::integer)
      refused = {std::to_string(s.hi + 1), std::to_string(s.lo - 1), "twelve"};
    else if (s.kind == Setting::Kind::boolean)
      refused = {"maybe"};
    else if (s.kind == Setting::Kind::text && s.check)
      for (std::string c : {"", "short", "mysql://x"})
        if (s.check(c)) refused.push_back(c);
    if (s.kind == Setting::Kind::text) EXPECT_NE(s.check, nullptr) << s.name();
    for (const auto& bad : refused) {
      auto expect_refused = [&](const Result<Config>& r, const std::string& name) {
        ASSERT_FALSE(r.has_value()) << name << " = " << bad;
        EXPECT_EQ(r.error().code, Errc::invalid_field);
        EXPECT_NE(r.error().detail.find(name), std::string::npos) << r.error().detail;
        if (s.kind == Setting::Kind::integer && bad != "twelve")
          EXPECT_NE(r.error().detail.find("out of range"), std::string::npos) << r.error().detail;
      };
      if (*s.env) expect_refused(load_config({}, env_of({{s.env, bad}})), s.env);
      if (*s.flag && s.kind != Setting::Kind::boolean)
        expect_refused(load_config({s.flag, bad}, env_of({})), s.flag);
      if (*s.key) {
        ConfigFile file("# settings\n" + std::string(s.key) + ": \"" + bad + "\"\n");
        expect_refused(load_config({"--config", file.path()}, env_of({})),
                       file.path() + ":2: " + s.key);
      }
    }
  }
}

TEST(Settings, EndSilenceRangeIsTheTables) {
  auto ok = load_config({}, env_of({{"HARK_END_SILENCE_MS", "5000"}}));
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->server.end_silence.count(), 5000);
  auto bad = load_config({}, env_of({{"HARK_END_SILENCE_MS", "199"}}));
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().detail, "HARK_END_SILENCE_MS: 199 is out of range (200 to 5000)");
}

TEST(Settings, NamesAreUnique) {
  std::set<std::string> seen;
  for (const auto& s : settings())
    for (const char* n : {s.key, s.env, s.flag})
      if (*n) EXPECT_TRUE(seen.insert(n).second) << n;
}

TEST(Settings, DefaultsComeFromTheModulesOptions) {
  const Config defaults;
  for (const auto& s : settings()) {
    std::string shown = setting_default(s);
    EXPECT_FALSE(shown.empty()) << s.name();
    SettingValue v = s.load(defaults);
    if (auto* n = std::get_if<std::int64_t>(&v)) EXPECT_EQ(shown, std::to_string(*n)) << s.name();
  }
  EXPECT_EQ(defaults.server.end_silence, server::Options{}.end_silence);
  EXPECT_EQ(defaults.auth.access_ttl, auth::Options{}.access_ttl);
  EXPECT_EQ(defaults.speech_pool.max_wait, asr::PoolOptions{}.max_wait);
}

TEST(Settings, UsageListsEveryRow) {
  std::string usage = settings_usage();
  for (const auto& s : settings()) {
    for (const char* n : {s.env, s.flag})
      if (*n) EXPECT_NE(usage.find(n), std::string::npos) << n;
    if (*s.key) EXPECT_NE(usage.find(std::string(s.key)), std::string::npos) << s.key;
    EXPECT_NE(usage.find(s.help), std::string::npos) << s.name();
    EXPECT_NE(usage.find("(default " + setting_default(s)), std::string::npos) << s.name();
  }
}

// README's table is `hark settings --markdown`: regenerate it after changing the table.
TEST(Settings, ReadmeTableIsTheTable) {
  const char* root = std::getenv("HARK_SOURCE_DIR");
  ASSERT_NE(root, nullptr);
  std::ifstream in(std::filesystem::path(root) / "README.md");
  ASSERT_TRUE(in);
  std::stringstream text;
  text << in.rdbuf();
  std::string readme = text.str();
  const std::string begin = "<!-- settings: hark settings --markdown -->\n", end = "<!-- /settings -->";
  auto a = readme.find(begin), b = readme.find(end);
  ASSERT_NE(a, std::string::npos);
  ASSERT_NE(b, std::string::npos);
  EXPECT_EQ(readme.substr(a + begin.size(), b - a - begin.size()), settings_markdown());
  std::string table = settings_markdown();
  for (const auto& s : settings())
    EXPECT_NE(table.find("`" + s.name()), std::string::npos) << s.name();
}

// deploy/hark.yaml.example loads as it is, and the keys it shows commented out are the
// table's too (uncommented, the file still loads).
TEST(Settings, DeployExampleUsesTheTablesKeys) {
  const char* root = std::getenv("HARK_SOURCE_DIR");
  ASSERT_NE(root, nullptr);
  auto example = std::filesystem::path(root) / "deploy" / "hark.yaml.example";
  auto as_is = load_config({"--config", example.string()}, env_of({}));
  ASSERT_TRUE(as_is.has_value()) << as_is.error().detail;
  EXPECT_EQ(as_is->postgres.pool_size, 4);
  std::ifstream in(example);
  std::string line, uncommented;
  std::size_t commented_keys = 0;
  while (std::getline(in, line)) {
    // "# key: value" with a table key: a setting shown but left at its default.
    if (line.starts_with("# ") && line.find(": ") != std::string::npos) {
      std::string key = line.substr(2, line.find(": ") - 2);
      for (const auto& s : settings())
        if (*s.key && key == s.key) {
          line = line.substr(2);
          ++commented_keys;
        }
    }
    uncommented += line + "\n";
  }
  EXPECT_GE(commented_keys, 1u);
  ConfigFile file(uncommented);
  auto all = load_config({"--config", file.path()}, env_of({}));
  ASSERT_TRUE(all.has_value()) << all.error().detail;
}

}  // namespace
}  // namespace hark::app
