#include "server/chat_sessions.h"

namespace hark::server {

ChatSessions::ChatSessions(dialog::Engine& engine, std::size_t capacity, std::chrono::seconds idle)
    : engine_(engine), capacity_(capacity == 0 ? 1 : capacity), idle_(idle) {}

std::shared_ptr<ChatSessions::Entry> ChatSessions::get(const std::string& session_id,
                                                       std::int64_t user_id) {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  expire_locked(now);
  if (auto it = slots_.find(session_id); it != slots_.end()) {
    it->second.last_used = now;
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return it->second.entry;
  }
  while (slots_.size() >= capacity_) {
    slots_.erase(lru_.back());
    lru_.pop_back();
  }
  auto entry = std::make_shared<Entry>();
  entry->conversation = std::make_unique<dialog::Conversation>(engine_, user_id);
  lru_.push_front(session_id);
  slots_.emplace(session_id, Slot{entry, now, lru_.begin()});
  return entry;
}

void ChatSessions::drop(const std::string& session_id) {
  std::lock_guard lock(mutex_);
  if (auto it = slots_.find(session_id); it != slots_.end()) {
    lru_.erase(it->second.lru);
    slots_.erase(it);
  }
}

std::size_t ChatSessions::size() const {
  std::lock_guard lock(mutex_);
  return slots_.size();
}

void ChatSessions::expire_locked(std::chrono::steady_clock::time_point now) {
  // The LRU list is ordered by last use, so expired entries are all at its back.
  while (!lru_.empty()) {
    auto it = slots_.find(lru_.back());
    if (now - it->second.last_used < idle_) break;
    slots_.erase(it);
    lru_.pop_back();
  }
}

}  // namespace hark::server
