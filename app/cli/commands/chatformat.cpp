// moescope-cli chat-format: renders a conversation with the checkpoint's chat template, printed exactly.

#include "commands.h"

#include "core/error.h"
#include "io/jsonfile.h"
#include "tokenizer/tokenizer.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace moescope::cli {

int runChatFormat(Args& args)
{
    const std::string tokenizerPath = args.required("--tokenizer");
    const std::string messagesPath = args.required("--messages");
    const bool generationPrompt = args.flag("--add-generation-prompt");
    const bool noThinking = args.flag("--no-thinking");
    args.finish();

    // Parsed in order: templates that print objects (tool definitions) keep their key order.
    nlohmann::ordered_json messages;
    try {
        messages = nlohmann::ordered_json::parse(readTextFile(messagesPath, std::size_t(64) << 20));
    } catch (const nlohmann::json::parse_error& e) {
        throw FormatError(messagesPath + ": invalid JSON (" + e.what() + ")");
    }
    if (!messages.is_array())
        throw FormatError(messagesPath + ": expected a JSON list of {\"role\", \"content\"} objects");
    for (std::size_t i = 0; i < messages.size(); ++i)
        if (!messages[i].is_object() || !messages[i].contains("role") || !messages[i]["role"].is_string())
            throw FormatError(messagesPath + ": message " + std::to_string(i) + " needs a \"role\" string");
    nlohmann::ordered_json context = nlohmann::ordered_json::object();
    if (noThinking)
        context["enable_thinking"] = false;
    const Tokenizer tokenizer = Tokenizer::fromFile(tokenizerPath);
    std::cout << tokenizer.applyChatTemplateJson(messages, generationPrompt, context) << std::flush;
    return 0;
}

} // namespace moescope::cli
