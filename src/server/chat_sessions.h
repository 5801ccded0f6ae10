// The conversations of POST /chat, one per login session, so that a confirmation ("yes")
// or the answer to a slot question works over plain HTTP too. Bounded: at most `capacity`
// entries (least recently used dropped first) and entries idle longer than `idle` are
// forgotten. Thread-safe.
#pragma once

#include "dialog/conversation.h"

#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace hark::server {

class ChatSessions {
 public:
  struct Entry {
    std::mutex mutex;  // held while the conversation is used: one request at a time
    std::unique_ptr<dialog::Conversation> conversation;
  };

  ChatSessions(dialog::Engine& engine, std::size_t capacity, std::chrono::seconds idle);

  // The conversation of `session_id`, created for `user_id` when absent.
  std::shared_ptr<Entry> get(const std::string& session_id, std::int64_t user_id);
  // Forgets a session (logout, account deletion).
  void drop(const std::string& session_id);
  std::size_t size() const;

 private:
  struct Slot {
    std::shared_ptr<Entry> entry;
    std::chrono::steady_clock::time_point last_used;
    std::list<std::string>::iterator lru;
  };
  void expire_locked(std::chrono::steady_clock::time_point now);

  dialog::Engine& engine_;
  std::size_t capacity_;
  std::chrono::seconds idle_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Slot> slots_;
  std::list<std::string> lru_;  // most recently used at the front
};

}  // namespace hark::server
