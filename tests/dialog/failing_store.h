// A Store that passes every call to a real one, except the kinds of call a test tells it
// to fail (as a database that went away would).
#pragma once

#include "store/store.h"

namespace hark::dialog::testing {

class FailingStore final : public store::Store {
 public:
  explicit FailingStore(store::Store& real) : real_(real) {}

  bool fail_turns = false;
  bool fail_contacts = false;
  bool fail_lists = false;
  bool fail_dialog = false;

  Result<std::string> load_dialog_state(const std::string& id) override {
    if (fail_dialog) return down();
    return real_.load_dialog_state(id);
  }
  Result<void> save_dialog_state(const std::string& id, std::int64_t u, const std::string& state,
                                 std::int64_t now) override {
    if (fail_dialog) return down();
    return real_.save_dialog_state(id, u, state, now);
  }

  Result<void> ping() override { return real_.ping(); }
  Result<store::User> create_user(const std::string& e, const std::string& d, const std::string& h,
                                  std::int64_t now) override {
    return real_.create_user(e, d, h, now);
  }
  Result<store::User> find_user_by_email(const std::string& e) override { return real_.find_user_by_email(e); }
  Result<store::User> find_user(std::int64_t id) override { return real_.find_user(id); }
  Result<void> delete_user(std::int64_t id) override { return real_.delete_user(id); }
  Result<void> create_session(const store::LoginSession& s) override { return real_.create_session(s); }
  Result<store::LoginSession> find_session(const std::string& id) override { return real_.find_session(id); }
  Result<void> rotate_refresh(const std::string& id, const std::string& o, const std::string& n,
                              std::int64_t e, std::int64_t now) override {
    return real_.rotate_refresh(id, o, n, e, now);
  }
  Result<std::int64_t> delete_expired_sessions(std::int64_t now) override {
    return real_.delete_expired_sessions(now);
  }
  Result<void> revoke_session(const std::string& id) override { return real_.revoke_session(id); }
  Result<BackoffState> record_login_failure(const std::string& k, const BackoffPolicy& p,
                                            std::int64_t now) override {
    return real_.record_login_failure(k, p, now);
  }
  Result<std::int64_t> login_allowed_at(const std::string& k) override { return real_.login_allowed_at(k); }
  Result<void> clear_login_failures(const std::string& k) override { return real_.clear_login_failures(k); }
  Result<std::int64_t> delete_expired_login_failures(std::int64_t now) override {
    return real_.delete_expired_login_failures(now);
  }
  Result<std::int64_t> append_turn(const store::Turn& t) override {
    if (fail_turns) return down();
    return real_.append_turn(t);
  }
  Result<std::vector<store::Turn>> history(std::int64_t u, int l, std::int64_t b) override {
    return real_.history(u, l, b);
  }
  Result<void> clear_history(std::int64_t u) override { return real_.clear_history(u); }
  Result<void> put_contacts(std::int64_t u, const std::vector<store::Contact>& c) override {
    return real_.put_contacts(u, c);
  }
  Result<std::vector<store::Contact>> contacts(std::int64_t u) override {
    if (fail_contacts) return down();
    return real_.contacts(u);
  }
  Result<bool> list_add(std::int64_t u, const std::string& l, const std::string& i) override {
    if (fail_lists) return down();
    return real_.list_add(u, l, i);
  }
  Result<bool> list_remove(std::int64_t u, const std::string& l, const std::string& i) override {
    if (fail_lists) return down();
    return real_.list_remove(u, l, i);
  }
  Result<std::vector<std::string>> list_items(std::int64_t u, const std::string& l) override {
    if (fail_lists) return down();
    return real_.list_items(u, l);
  }
  Result<void> list_clear(std::int64_t u, const std::string& l) override {
    if (fail_lists) return down();
    return real_.list_clear(u, l);
  }
  Result<std::int64_t> add_reminder(std::int64_t u, const store::Reminder& r) override {
    return real_.add_reminder(u, r);
  }
  Result<std::vector<store::Reminder>> reminders(std::int64_t u) override { return real_.reminders(u); }
  Result<bool> update_reminder(std::int64_t u, const store::Reminder& r) override {
    return real_.update_reminder(u, r);
  }

 private:
  static Error down() { return make_error(Errc::internal, "database is locked"); }
  store::Store& real_;
};

}  // namespace hark::dialog::testing
