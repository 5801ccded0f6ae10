// The one table of Hark's settings. Each row is one setting: its YAML file key, HARK_*
// environment variable, command-line flag, kind and range, the Config field it sets (a
// chain of pointers-to-member into a module's Options held by Config) and one line of help.
// Defaults are not in the table: they are the member initialisers of those Options,
// read from a default-constructed Config. The parser (config.cc), `hark help`, and
// `hark settings --markdown` (README's table) all read this table.
//
// To add a setting: give the field its default and doc comment in its module's Options,
// then add one row to kSettings in settings.cc.
#pragma once

#include "app/config.h"

#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace hark::app {

// A parsed value, before it is stored into its field.
using SettingValue = std::variant<std::int64_t, bool, std::string, std::vector<std::string>>;

struct Setting {
  enum class Kind {
    integer,  // whole number in [lo, hi]
    boolean,  // 1/0, true/false, yes/no, on/off; its flag (if any) takes no value and sets false
    text,     // checked by `check` when set
    paths,    // directories: ':'-separated in the environment, a list in the file, flag repeatable
    list,     // ','-separated in the environment, a list or ','-separated in the file
  };
  const char* key;   // YAML key; "" when the file cannot set it
  const char* env;   // environment variable; "" for none
  const char* flag;  // command-line flag; "" for none
  const char* arg;   // the flag's value in the usage text ("N", "DIR"); "" for none
  Kind kind;
  std::int64_t lo = 0, hi = 0;              // integer range
  const char* (*check)(const std::string&) = nullptr;  // text: the reason it is refused, or null
  const char* rule = "";                    // text: what `check` accepts, for the docs
  void (*store)(Config&, const SettingValue&) = nullptr;
  SettingValue (*load)(const Config&) = nullptr;
  const char* help = "";
  // Shown instead of the default when the default is empty or derived ("DATA_DIR/asr").
  const char* default_text = "";

  // The name used in error messages and tables: the key, else the flag, else the variable.
  std::string name() const;
};

std::span<const Setting> settings();

// Parses `text` for `s`; `where` names the source in the error ("--port", "HARK_PORT",
// "FILE:LINE: port"). Errc::invalid_field "where: reason".
Result<SettingValue> parse_setting(const Setting& s, const std::string& text,
                                   const std::string& where);

// The default of `s` as text ("8000", "0.0.0.0", "none"), from a default-constructed Config.
std::string setting_default(const Setting& s);

// The options part of `hark help`: one entry per row, with its variable and default.
std::string settings_usage();

// README's settings table (`hark settings --markdown`).
std::string settings_markdown();

}  // namespace hark::app
