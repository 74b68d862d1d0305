#include "tokenizer/chat/chattemplate.h"
#include "core/error.h"
#include <nlohmann/json.hpp>
namespace moescope::tok {
namespace jinja { struct Template {}; }
ChatTemplate::ChatTemplate(std::string_view) { throw UnsupportedError("TEMP"); }
ChatTemplate::~ChatTemplate() = default;
std::string ChatTemplate::render(const nlohmann::json&) const { return {}; }
}
