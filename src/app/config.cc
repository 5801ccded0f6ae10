#include "app/config.h"

#include "app/settings.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>

namespace hark::app {

namespace {

// One source of settings: a value for some rows of the table (by index); the others leave
// the layer below untouched.
using Layer = std::vector<std::optional<SettingValue>>;

Layer empty_layer() { return Layer(settings().size()); }

void apply_layer(Config& c, const Layer& l) {
  for (std::size_t i = 0; i < l.size(); ++i)
    if (l[i]) settings()[i].store(c, *l[i]);
}

Error bad(const std::string& where, const std::string& what) {
  return make_error(Errc::invalid_field, where + ": " + what);
}

template <class Match>
std::optional<std::size_t> find_row(Match match) {
  for (std::size_t i = 0; i < settings().size(); ++i)
    if (match(settings()[i])) return i;
  return std::nullopt;
}

Result<void> set(Layer& l, std::size_t row, const std::string& text, const std::string& where) {
  auto v = parse_setting(settings()[row], text, where);
  if (!v) return v.error();
  l[row] = std::move(*v);
  return {};
}

Result<Layer> from_env(const EnvLookup& env) {
  Layer l = empty_layer();
  for (std::size_t i = 0; i < settings().size(); ++i) {
    const Setting& s = settings()[i];
    if (!*s.env) continue;
    auto v = env(s.env);
    if (!v || (s.kind == Setting::Kind::paths && v->empty())) continue;
    if (auto r = set(l, i, *v, s.env); !r) return r.error();
  }
  return l;
}

Result<Layer> from_cli(const std::vector<std::string>& args, std::vector<std::string>* positional) {
  Layer l = empty_layer();
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::optional<std::string> inline_value;
    if (auto eq = flag.find('='); flag.starts_with("--") && eq != std::string::npos) {
      inline_value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    }
    auto row = find_row([&](const Setting& s) { return *s.flag && flag == s.flag; });
    if (!row) {
      if (!flag.starts_with("-") && positional) {
        positional->push_back(flag);
        continue;
      }
      return bad(flag, flag.starts_with("-") ? "unknown option" : "unexpected argument");
    }
    const Setting& s = settings()[*row];
    if (s.kind == Setting::Kind::boolean) {  // a switch that turns the setting off
      if (inline_value) return bad(flag, "takes no value");
      l[*row] = false;
      continue;
    }
    if (!inline_value && i + 1 >= args.size()) return bad(flag, "needs a value");
    std::string value = inline_value ? *inline_value : args[++i];
    if (s.kind == Setting::Kind::paths) {  // repeatable: each flag adds one directory
      if (value.empty()) return bad(flag, "must not be empty");
      if (!l[*row]) l[*row] = std::vector<std::string>{};
      std::get<std::vector<std::string>>(*l[*row]).push_back(value);
      continue;
    }
    if (auto r = set(l, *row, value, flag); !r) return r.error();
  }
  return l;
}

Result<Layer> from_file(const std::filesystem::path& path) {
  Layer l = empty_layer();
  std::string where = path.string();
  YAML::Node root;
  try {
    std::ifstream in(path);
    if (!in) return make_error(Errc::invalid_field, where + ": cannot be read");
    root = YAML::Load(in);
  } catch (const YAML::Exception& e) {
    return make_error(Errc::invalid_field,
                      where + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (root.IsNull()) return l;  // an empty file
  if (!root.IsMap()) return make_error(Errc::invalid_field, where + ": must be a mapping of settings");
  for (const auto& kv : root) {
    std::string key = kv.first.as<std::string>("");
    std::string at = where + ":" + std::to_string(kv.first.Mark().line + 1) + ": " + key;
    const YAML::Node& v = kv.second;
    auto row = find_row([&](const Setting& s) { return *s.key && key == s.key; });
    if (!row) return bad(at, "unknown setting");
    const Setting& s = settings()[*row];
    bool many = s.kind == Setting::Kind::paths || s.kind == Setting::Kind::list;
    const char* list_error =
        s.kind == Setting::Kind::paths ? "must be a list of directories" : "must be a list of addresses";
    if (many && v.IsSequence()) {
      std::vector<std::string> items;
      for (const auto& item : v) {
        if (!item.IsScalar()) return bad(at, list_error);
        items.push_back(item.Scalar());
      }
      l[*row] = std::move(items);
      continue;
    }
    if (s.kind == Setting::Kind::paths && v.IsNull()) {
      l[*row] = std::vector<std::string>{};
      continue;
    }
    if (!v.IsScalar()) return bad(at, s.kind == Setting::Kind::paths ? list_error : "must be a single value");
    if (auto r = set(l, *row, v.Scalar(), at); !r) return r.error();
  }
  return l;
}

}  // namespace

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

Result<Config> load_config(const std::vector<std::string>& args, const EnvLookup& env,
                           std::vector<std::string>* positional) {
  auto cli = from_cli(args, positional);
  if (!cli) return cli.error();
  auto envl = from_env(env);
  if (!envl) return envl.error();
  Config c;
  // The file is named by --config, else HARK_CONFIG.
  const std::size_t config_row =
      *find_row([](const Setting& s) { return std::string_view(s.env) == "HARK_CONFIG"; });
  const auto& named = (*cli)[config_row] ? (*cli)[config_row] : (*envl)[config_row];
  if (named) {
    std::filesystem::path file = std::get<std::string>(*named);
    auto f = from_file(file);
    if (!f) return f.error();
    apply_layer(c, *f);
    c.config_file = file;
  }
  apply_layer(c, *envl);
  apply_layer(c, *cli);
  return c;
}

}  // namespace hark::app
