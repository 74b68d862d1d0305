#pragma once
// A chat template (the Jinja source in tokenizer_config.json or chat_template.jinja) compiled by MoEScope's own
// Jinja-subset interpreter. Renders like transformers' apply_chat_template: Jinja with trim_blocks and lstrip_blocks,
// the loopcontrols extension, and transformers' globals (raise_exception, strftime_now) and tojson filter.
// Immutable after construction; render() is thread-safe.

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace moescope::tok {

namespace jinja {
struct Template;
}

class ChatTemplate {
public:
    // Throws UnsupportedError (a construct the interpreter lacks) or FormatError (a syntax error), naming the
    // construct and its line and column.
    explicit ChatTemplate(std::string_view source);
    ~ChatTemplate();

    // context: a JSON object whose members become template variables (messages, add_generation_prompt, bos_token,
    // tools, enable_thinking, ...). Throws InvalidArgumentError when the template raises an exception, and
    // UnsupportedError/FormatError for runtime errors, with the template position.
    // An ordered_json keeps the key order of the caller's objects, which tojson reproduces (as Python dicts do).
    std::string render(const nlohmann::ordered_json& context) const;

private:
    std::unique_ptr<jinja::Template> m_template;
};

} // namespace moescope::tok
