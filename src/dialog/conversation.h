// The conversation: what one utterance means in context, what to answer, what to remember.
// Engine is shared by all connections (thread-safe). Conversation is the context of one
// connection (pending confirmation, open slot question, last answer); it is not
// thread-safe: one connection uses it from one strand at a time. Both call the store,
// so call them from a worker thread, never from a network thread.
#pragma once

#include "common/clock.h"
#include "common/error.h"
#include "dialog/random.h"
#include "nlu/parser.h"
#include "skills/registry.h"
#include "store/store.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hark::dialog {

namespace internal {
struct DialogState;
}

// What the app is asked to do: PROTOCOL.md's "action" (server/wire.h encodes it).
struct Action {
  std::string id;    // "act_..."
  std::string name;  // the skill's action
  // The slot values given, in the skill's slot order.
  std::vector<std::pair<std::string, nlu::SlotValue>> params;
  // The stored contact's phone for a call or message: params' "number".
  std::optional<std::string> number;
  bool needs_confirmation = false;
  // The id of the action this one changes: a follow-up ("make it 7:30") to the last
  // request. The app changes what it did for that one (moves the alarm) instead of doing
  // it a second time. Absent for a new request.
  std::optional<std::string> replaces;
  friend bool operator==(const Action&, const Action&) = default;
};

struct Options {
  // Said when nothing was understood.
  std::string fallback_message = "Sorry, I didn't understand that.";
  // Longest utterance accepted, in bytes (longer text answers Errc::too_large).
  std::size_t max_utterance_bytes = 4096;
  // How an action is kept in the history: the app passes server::action_text (the JSON
  // the client gets). Empty: the history keeps no action.
  std::function<std::string(const Action&)> encode_action;
};

// What the parser read in a sentence, for POST /nlu/parse.
struct ParseReply {
  std::string intent;
  std::map<std::string, nlu::Slot> slots;  // name -> {normalized value, the words said}
  double confidence = 0.0;
  // With intent "fallback": the skills the dialog would ask back about ("Do you want to
  // call someone?"), best first; empty when it would not ask.
  std::vector<std::string> choices;
};

// The answer to one utterance or confirmation: the fields of PROTOCOL.md's "response"
// message, which server/wire.h encodes.
struct Reply {
  std::string id;       // "resp_..."
  std::string turn_id;  // the server's turn
  std::string message;  // the text to speak
  std::optional<Action> action;  // absent when the app has nothing to do
  std::string intent;
  bool expects_reply = false;  // the answer asks something: the app listens again
  std::optional<std::string> transcript;  // the words heard, for a spoken utterance
};

class Engine {
 public:
  // REQUIRES: every argument outlives the engine.
  Engine(Options options, const skills::Registry& skills, const nlu::Parser& parser,
         store::Store& store, Clock& clock);
  // The same with a chosen source of randomness (jokes, coin, dice), for tests.
  Engine(Options options, const skills::Registry& skills, const nlu::Parser& parser,
         store::Store& store, Clock& clock, Random& random);
  ~Engine();

  // POST /nlu/parse (server/wire.h encodes it). No side effects, nothing stored.
  // `timezone` as in a session's config.
  Result<ParseReply> parse(std::int64_t user_id, std::string_view text,
                                    const std::string& timezone);

  const Options& options() const { return options_; }

 private:
  friend class Conversation;
  struct Impl;
  Options options_;
  std::unique_ptr<Impl> impl_;
};

// An answer whose history turns are queued in the store but maybe not yet committed.
struct QueuedResponse {
  Reply response;
  // Send `response` only once this is done without error; when it failed, the turns are
  // not stored and the client gets an error instead (see Conversation::queue_failure).
  std::shared_ptr<store::TurnCommit> stored;
};

class Conversation {
 public:
  // `login_session` (the auth module's login session id, "" for none): the context is kept
  // in the store under it after each turn that changes it, before the answer is sent, and
  // read back at the first message, so that a reconnect with the same login, to this
  // instance or another, goes on where the conversation stopped. Another login session or
  // user never sees it.
  Conversation(Engine& engine, std::int64_t user_id, std::string login_session = {});
  ~Conversation();

  // Session settings from a `config` message. Errc::invalid_field for an unknown zone.
  Result<void> set_timezone(const std::string& tz);
  const std::string& timezone() const { return timezone_; }

  // One utterance (typed, or transcribed when `transcript` is set) -> the response.
  // Stores the user's words and the answer in the history.
  // Errc::invalid_field for empty text, Errc::too_large for text over the limit.
  Result<Reply> on_utterance(std::string_view text, const std::string& turn_id,
                             const std::optional<std::string>& transcript = {});

  // The same, but returns as soon as the turns are queued for the store's next group
  // commit, so the calling thread does not wait for the disk. The connection's context
  // moves on at once (a "yes" right behind the utterance confirms it); if the commit then
  // fails, the client gets queue_failure's error for this turn and the words are not in
  // the history.
  Result<QueuedResponse> queue_utterance(std::string_view text, const std::string& turn_id,
                                         const std::optional<std::string>& transcript = {});
  // The error for a queued utterance whose commit failed (Errc::unavailable).
  static Error queue_failure(const Error& store_error);

  // A `confirm` message. Errc::not_found when `action_id` is not the pending action.
  Result<Reply> on_confirm(const std::string& action_id, bool confirmed,
                           const std::string& turn_id);

  // An `action_result` message, kept in the history. Errc::invalid_field for a bad status.
  Result<void> on_action_result(const std::string& action_id, const std::string& status,
                                const std::string& detail);

 private:
  struct State;
  Result<QueuedResponse> answer(std::string_view text, const std::string& turn_id,
                                const std::optional<std::string>& transcript, internal::DialogState& next);
  Result<void> restore();
  std::optional<store::DialogStateWrite> state_write(const internal::DialogState& next);
  Engine& engine_;
  std::int64_t user_id_;
  std::string timezone_ = "UTC";
  std::unique_ptr<State> state_;
};

}  // namespace hark::dialog
