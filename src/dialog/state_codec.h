// Internal to src/dialog: a connection's DialogState as the text the store keeps per login
// session (store::Store::save_dialog_state), so that a reconnect, to this instance or
// another, goes on where the conversation stopped.
//
// The text is a JSON object {"v": 1, "user": id, "at": microseconds since the epoch when it
// was saved, "pending"?, "question"?, "last"?, "issued"?}; slot values carry their type ({"type": "time", "value": "07:30"}). Decoding
// ignores unknown fields (a newer writer may add some), and answers an empty state for
// anything it cannot read: bad JSON, another version, another user, a malformed field.
#pragma once

#include "dialog/turn.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace hark::dialog::internal {

std::string encode_state(const DialogState& state, std::int64_t user_id, std::int64_t saved_at_us);

// Empty state for "" and for whatever encode_state did not write for `user_id`; `saved_at_us`
// (when given) gets the text's "at" (0 for an empty state).
DialogState decode_state(std::string_view text, std::int64_t user_id, std::int64_t* saved_at_us = nullptr);

}  // namespace hark::dialog::internal
