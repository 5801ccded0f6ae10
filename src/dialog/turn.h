// Internal to src/dialog: the decision of one turn (what an utterance means against the
// connection's context, and what to answer). conversation.cc adds validation, the
// history and the response object around it.
#pragma once

#include "common/clock.h"
#include "common/error.h"
#include "dialog/conversation.h"
#include "dialog/followup.h"
#include "dialog/random.h"
#include "nlu/parser.h"
#include "skills/registry.h"
#include "store/store.h"

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hark::dialog::internal {

// What the engine works with; outlives everything below.
struct Deps {
  const skills::Registry& skills;
  const nlu::Parser& parser;
  store::Store& store;
  Clock& clock;
  Random& random;
};

// What parsing needs for one user now, and the contacts it came from.
struct Loaded {
  nlu::Context context;
  std::vector<store::Contact> contacts;
};

// Errc::unavailable when the store fails.
Result<Loaded> load(const Deps& deps, std::int64_t user_id, const std::string& timezone);

// What the assistant said once: kept to repeat it and to confirm it.
struct Answer {
  std::string message;
  std::optional<Action> action;
  std::string intent;
  // The answer asks something (a confirmation, a slot question): the app listens again.
  bool expects_reply = false;
  friend bool operator==(const Answer&, const Answer&) = default;
};

// The context of one connection. Copyable, so that one utterance works on a copy and the
// connection keeps its old context when the store fails half way.
struct DialogState {
  struct Question {
    std::string skill;
    std::map<std::string, nlu::Slot> slots;  // the values already given
    std::string slot;                        // the one asked for
    int retries = 0;
    friend bool operator==(const Question&, const Question&) = default;
  };
  std::optional<Answer> pending;  // an action waiting for "yes"
  std::optional<Question> question;
  std::optional<Answer> last;
  std::deque<std::pair<std::string, std::string>> issued;  // action id -> action name

  // --- Follow-ups and ask-back (dialog/followup.h); per connection, never shared. ---
  std::optional<Recent> recent;  // the last request completed: what "and eggs" changes
  std::string last_contact;      // the last contact a request named: who "her" is
  std::optional<Choice> choice;  // an ask-back waiting for its answer
  // --- end of follow-up state ---
  friend bool operator==(const DialogState&, const DialogState&) = default;
};

inline constexpr const char* kCancelled = "OK, cancelled.";
// Action ids remembered per connection, to name the action of an action_result.
inline constexpr std::size_t kIssuedRemembered = 32;

// The pending answer with needs_confirmation false: what "yes" answers.
Answer confirmed(Answer pending);

// Decides the answer to one utterance (already validated and parsed) and updates `state`.
// Side effects on lists and reminders happen here; the history is the caller's.
Result<Answer> decide(const Deps& deps, const Options& options, DialogState& state, std::int64_t user_id,
                      const std::string& timezone, const Loaded& loaded, std::string_view text,
                      const nlu::ParseResult& parsed);

Error store_failure(const Error& e);

}  // namespace hark::dialog::internal
