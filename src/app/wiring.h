// The one place that sees every module: builds the store, auth, skills, parser, dialog and
// server from a Config. Each function is a subcommand body and answers the exit code.
#pragma once

#include "app/config.h"

#include <filesystem>
#include <string>
#include <vector>

namespace hark::app {

// `hark serve`: serves until SIGTERM/SIGINT, then drains and closes the store.
int serve(const Config& config);

// `hark user add EMAIL [--name NAME]`, the password read from stdin.
int add_user(const Config& config, const std::string& email, const std::string& name);

// `hark skills check DIR`: loads the built-in skills and DIR; prints the first error as
// "error: FILE:LINE: reason" (exit 2) or a summary (exit 0).
int check_skills(const std::filesystem::path& dir);

// `hark nlu eval FILE [--skills-dir DIR] [-v] [--classifier-only]`: intent accuracy on a
// labelled JSONL file (lines {"text", "expected": [skill names]}), with the most frequent
// confusions; `classifier_only` measures the statistical stage without the templates.
int nlu_eval(const std::filesystem::path& file, const std::vector<std::filesystem::path>& skills_dirs,
             bool verbose, bool classifier_only = false);

// `hark transcribe FILE.wav [--skills-dir DIR]`: the transcript and the parsed intent/slots.
int transcribe(const std::filesystem::path& wav, const Config& config);

// Sets spdlog's level from "trace".."off".
void set_log_level(const std::string& level);

}  // namespace hark::app
