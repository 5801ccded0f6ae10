// The `hark` command: serve, user add, skills check, nlu eval, transcribe, settings, version,
// help. The options part of the usage text is printed from the settings table.
#include "app/config.h"
#include "app/settings.h"
#include "app/wiring.h"

#include <iostream>
#include <string>
#include <vector>

namespace {

constexpr const char* kUsage = R"(usage: hark <command> [options]

commands:
  serve                      run the server
  user add EMAIL [--name N]  create a user; the password is read from standard input
  skills check DIR           load the skill files of DIR and report the first error
  nlu eval FILE [-v]         intent accuracy on a JSONL file of {"text", "expected": [...]};
                             --classifier-only: the statistical stage without the templates
  transcribe FILE.wav        print the transcript of a recording and what it would do
  settings [--markdown]      list every setting (key, variable, flag, default, range)
  version                    print the version
  help                       print this text

)";

int usage_error(const std::string& message) {
  std::cerr << "error: " << message << "\n\n" << kUsage << hark::app::settings_usage();
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    std::cout << kUsage << hark::app::settings_usage();
    return args.empty() ? 2 : 0;
  }
  const std::string command = args[0];
  args.erase(args.begin());

  if (command == "version" || command == "--version") {
    std::cout << "hark " << HARK_VERSION << std::endl;
    return 0;
  }
  if (command == "settings") {
    if (args.empty()) std::cout << hark::app::settings_usage();
    else if (args.size() == 1 && args[0] == "--markdown") std::cout << hark::app::settings_markdown();
    else return usage_error("expected `hark settings [--markdown]`");
    return 0;
  }
  if (command == "serve") {
    if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
      std::cout << kUsage << hark::app::settings_usage();
      return 0;
    }
    auto config = hark::app::load_config(args, hark::app::process_env());
    if (!config) return usage_error(config.error().detail);
    return hark::app::serve(*config);
  }
  if (command == "user") {
    if (args.empty() || args[0] != "add") return usage_error("expected `hark user add EMAIL`");
    args.erase(args.begin());
    std::string name;
    for (std::size_t i = 0; i < args.size(); ++i) {
      if (args[i] == "--name" && i + 1 < args.size()) {
        name = args[i + 1];
        args.erase(args.begin() + static_cast<long>(i), args.begin() + static_cast<long>(i) + 2);
        break;
      }
      if (args[i].starts_with("--name=")) {
        name = args[i].substr(7);
        args.erase(args.begin() + static_cast<long>(i));
        break;
      }
    }
    std::vector<std::string> positional;
    auto config = hark::app::load_config(args, hark::app::process_env(), &positional);
    if (!config) return usage_error(config.error().detail);
    if (positional.size() != 1) return usage_error("expected exactly one EMAIL");
    return hark::app::add_user(*config, positional[0], name);
  }
  if (command == "skills") {
    if (args.size() != 2 || args[0] != "check") return usage_error("expected `hark skills check DIR`");
    return hark::app::check_skills(args[1]);
  }
  if (command == "nlu") {
    if (args.empty() || args[0] != "eval") return usage_error("expected `hark nlu eval FILE`");
    args.erase(args.begin());
    bool verbose = false, classifier_only = false;
    std::erase_if(args, [&](const std::string& a) {
      if (a == "-v") return verbose = true;
      if (a == "--classifier-only") return classifier_only = true;
      return false;
    });
    std::vector<std::string> positional;
    auto config = hark::app::load_config(args, hark::app::process_env(), &positional);
    if (!config) return usage_error(config.error().detail);
    if (positional.size() != 1) return usage_error("expected exactly one FILE");
    return hark::app::nlu_eval(positional[0], config->skills_dirs, verbose, classifier_only);
  }
  if (command == "transcribe") {
    std::vector<std::string> positional;
    auto config = hark::app::load_config(args, hark::app::process_env(), &positional);
    if (!config) return usage_error(config.error().detail);
    if (positional.size() != 1) return usage_error("expected exactly one FILE.wav");
    return hark::app::transcribe(positional[0], *config);
  }
  return usage_error("unknown command \"" + command + "\"");
}
