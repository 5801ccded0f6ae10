#include "dialog/conversation.h"

#include "common/utf8.h"
#include "dialog/state_codec.h"
#include "dialog/turn.h"
#include "nlu/normalize.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include <utility>
#include <vector>

namespace hark::dialog {

using internal::Answer;

namespace {

constexpr std::size_t kMaxResultDetail = 1000;

std::string_view trim(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

Result<void> check_text(std::string_view text, const Options& options) {
  if (text.size() > options.max_utterance_bytes)
    return make_error(Errc::too_large,
                      "The text is longer than " + std::to_string(options.max_utterance_bytes) + " bytes.");
  if (trim(text).empty()) return make_error(Errc::invalid_field, "The text is empty.");
  return {};
}

store::Turn make_turn(const internal::Deps& deps, std::int64_t user_id, const char* role, std::string text,
                      std::string action_json = {}) {
  store::Turn turn;
  turn.user_id = user_id;
  turn.role = role;
  turn.text = std::move(text);
  turn.action_json = std::move(action_json);
  turn.created_at = deps.clock.unix_now();
  return turn;
}

std::string history_action(const Options& options, const std::optional<Action>& action) {
  return action && options.encode_action ? options.encode_action(*action) : std::string();
}

Result<void> append(const internal::Deps& deps, std::int64_t user_id, const char* role, std::string text,
                    std::string action_json) {
  auto id = deps.store.append_turn(make_turn(deps, user_id, role, std::move(text), std::move(action_json)));
  if (!id) return internal::store_failure(id.error());
  return {};
}

Reply reply_of(const Answer& a, const std::string& turn_id, const std::optional<std::string>& transcript) {
  return Reply{make_id("resp_"), turn_id, a.message, a.action, a.intent, a.expects_reply, transcript};
}

}  // namespace

struct Engine::Impl {
  internal::Deps deps;
};

Engine::Engine(Options options, const skills::Registry& skills, const nlu::Parser& parser,
               store::Store& store, Clock& clock)
    : Engine(std::move(options), skills, parser, store, clock, default_random()) {}

Engine::Engine(Options options, const skills::Registry& skills, const nlu::Parser& parser,
               store::Store& store, Clock& clock, Random& random)
    : options_(std::move(options)), impl_(new Impl{{skills, parser, store, clock, random}}) {}

Engine::~Engine() = default;

Result<ParseReply> Engine::parse(std::int64_t user_id, std::string_view text, const std::string& timezone) {
  if (auto ok = check_text(text, options_); !ok) return ok.error();
  auto loaded = internal::load(impl_->deps, user_id, nlu::valid_timezone(timezone) ? timezone : "UTC");
  if (!loaded) return loaded.error();
  nlu::ParseResult p = impl_->deps.parser.parse(trim(text), loaded->context);
  return ParseReply{std::move(p.intent), std::move(p.slots), p.confidence, std::move(p.choices)};
}

struct Conversation::State {
  internal::DialogState dialog;
  std::string login_session;
  bool restored = false;
  std::int64_t started_us = 0;
  internal::DialogState saved;  // what the store has for login_session
};

namespace {
std::int64_t micros(const Clock& clock) {
  return std::chrono::duration_cast<std::chrono::microseconds>(clock.now().time_since_epoch()).count();
}
}  // namespace

Conversation::Conversation(Engine& engine, std::int64_t user_id, std::string login_session)
    : engine_(engine), user_id_(user_id), state_(std::make_unique<State>()) {
  state_->login_session = std::move(login_session);
  state_->restored = state_->login_session.empty();
  state_->started_us = micros(engine_.impl_->deps.clock);
}

// Reads the login session's context once, at the first message (on the worker thread, not
// the network thread that opened the connection). Only a context saved before this
// conversation started is taken over: one written meanwhile comes from another connection
// of the same login that is open at the same time (a phone and a tablet), whose context
// stays its own.
Result<void> Conversation::restore() {
  if (state_->restored) return {};
  auto text = engine_.impl_->deps.store.load_dialog_state(state_->login_session);
  if (!text) return internal::store_failure(text.error());
  std::int64_t saved_at = 0;
  internal::DialogState stored = internal::decode_state(*text, user_id_, &saved_at);
  state_->saved = stored;
  if (saved_at <= state_->started_us) state_->dialog = std::move(stored);
  state_->restored = true;
  return {};
}

// The write that keeps `next` for the login session, when it differs from what was
// last kept; the store writes it with the turn's commit (before the answer is sent). A
// failure costs only the memory across a reconnect: this connection keeps its context,
// and its next change is written again.
std::optional<store::DialogStateWrite> Conversation::state_write(const internal::DialogState& next) {
  if (state_->login_session.empty() || next == state_->saved) return std::nullopt;
  const internal::Deps& deps = engine_.impl_->deps;
  state_->saved = next;
  return store::DialogStateWrite{state_->login_session, user_id_,
                                 internal::encode_state(next, user_id_, micros(deps.clock)), deps.clock.unix_now()};
}

Conversation::~Conversation() = default;

Result<void> Conversation::set_timezone(const std::string& tz) {
  if (!nlu::valid_timezone(tz)) return make_error(Errc::invalid_field, "Unknown time zone: " + utf8_prefix(tz, 64));
  timezone_ = tz;
  return {};
}

// Decides the answer and queues both turns in one write; `next` is the context after it.
Result<QueuedResponse> Conversation::answer(std::string_view text, const std::string& turn_id,
                                            const std::optional<std::string>& transcript,
                                            internal::DialogState& next) {
  const internal::Deps& deps = engine_.impl_->deps;
  if (auto ok = check_text(text, engine_.options()); !ok) return ok.error();
  if (auto ok = restore(); !ok) return ok.error();
  std::string_view words = trim(text);
  auto loaded = internal::load(deps, user_id_, timezone_);
  if (!loaded) return loaded.error();
  nlu::ParseResult parsed = deps.parser.parse(words, loaded->context);

  std::vector<store::Turn> turns;
  turns.reserve(2);
  turns.push_back(make_turn(deps, user_id_, "user", transcript ? *transcript : std::string(words)));
  next = state_->dialog;
  auto answer = internal::decide(deps, engine_.options(), next, user_id_, timezone_, *loaded, words, parsed);
  if (!answer) {
    // The words were said even when no answer could be made; they stay in the history.
    if (auto ok = deps.store.append_turn(turns.front()); !ok) return internal::store_failure(ok.error());
    return answer.error();
  }
  turns.push_back(make_turn(deps, user_id_, "assistant", answer->message,
                            history_action(engine_.options(), answer->action)));
  next.last = *answer;
  auto state = state_write(next);
  auto stored = state ? deps.store.queue_turns_and_state(std::move(turns), std::move(*state))
                      : deps.store.queue_turns(std::move(turns));
  return QueuedResponse{reply_of(*answer, turn_id, transcript), std::move(stored)};
}

Result<Reply> Conversation::on_utterance(std::string_view text, const std::string& turn_id,
                                         const std::optional<std::string>& transcript) {
  internal::DialogState next;
  auto queued = answer(text, turn_id, transcript, next);
  if (!queued) return queued.error();
  // The context moves on only once the turns are stored.
  if (auto ids = queued->stored->wait(); !ids) return queue_failure(ids.error());
  state_->dialog = std::move(next);
  return std::move(queued->response);
}

Result<QueuedResponse> Conversation::queue_utterance(std::string_view text, const std::string& turn_id,
                                                     const std::optional<std::string>& transcript) {
  internal::DialogState next;
  auto queued = answer(text, turn_id, transcript, next);
  if (!queued) return queued.error();
  state_->dialog = std::move(next);
  return queued;
}

Error Conversation::queue_failure(const Error& store_error) { return internal::store_failure(store_error); }

Result<Reply> Conversation::on_confirm(const std::string& action_id, bool confirmed,
                                       const std::string& turn_id) {
  const internal::Deps& deps = engine_.impl_->deps;
  if (auto ok = restore(); !ok) return ok.error();
  const auto& pending = state_->dialog.pending;
  if (!pending || !pending->action || pending->action->id != action_id)
    return make_error(Errc::not_found, "No pending action has that id.");
  Answer out = confirmed ? internal::confirmed(*pending) : Answer{internal::kCancelled, std::nullopt, "deny"};
  if (auto ok = append(deps, user_id_, "assistant", out.message, history_action(engine_.options(), out.action)); !ok)
    return ok.error();
  internal::DialogState next = state_->dialog;
  next.pending.reset();
  next.last = out;
  if (auto state = state_write(next)) {
    auto ok = deps.store.save_dialog_state(state->session_id, state->user_id, state->state, state->now);
    if (!ok) spdlog::warn("dialog state of a login session not saved: {}", ok.error().detail);
  }
  state_->dialog = std::move(next);
  return reply_of(out, turn_id, std::nullopt);
}

Result<void> Conversation::on_action_result(const std::string& action_id, const std::string& status,
                                            const std::string& detail) {
  if (status != "done" && status != "failed" && status != "cancelled")
    return make_error(Errc::invalid_field, "status must be done, failed or cancelled.");
  if (action_id.empty() || action_id.size() > 128)
    return make_error(Errc::invalid_field, "action_id is missing or too long.");
  if (auto ok = restore(); !ok) return ok.error();
  std::string name;
  for (const auto& [id, action_name] : state_->dialog.issued)
    if (id == action_id) name = action_name;
  // Kept as an assistant-side record: the app reports what the assistant's action did.
  boost::json::object record{{"id", action_id}, {"status", status}};
  if (!name.empty()) record["name"] = name;
  if (!detail.empty()) record["detail"] = utf8_prefix(detail, kMaxResultDetail);
  std::string text = "[action " + (name.empty() ? std::string("result") : name) + " " + status + "]";
  return append(engine_.impl_->deps, user_id_, "assistant", std::move(text), boost::json::serialize(record));
}

}  // namespace hark::dialog
