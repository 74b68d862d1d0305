#include "tokenizer/chat/chattemplate.h"

#include "tokenizer/jinja/jinjainterpreter.h"
#include "tokenizer/jinja/jinjaparser.h"

#include <nlohmann/json.hpp>

namespace moescope::tok {

ChatTemplate::ChatTemplate(std::string_view source)
    : m_template(jinja::parseTemplate(source))
{
}

ChatTemplate::~ChatTemplate() = default;

std::string ChatTemplate::render(const nlohmann::ordered_json& context) const
{
    jinja::Interpreter interpreter(*m_template);
    return interpreter.render(context);
}

} // namespace moescope::tok
