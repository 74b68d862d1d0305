#pragma once
// One turn of a conversation for chat templates.

#include <string>

namespace moescope {

struct ChatMessage {
    std::string role; // "system", "user", "assistant", "tool"
    std::string content;
};

} // namespace moescope
