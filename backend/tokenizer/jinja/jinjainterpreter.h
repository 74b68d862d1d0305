#pragma once
// Renders a parsed template. One Interpreter per render call (it holds the variable frames), so a Template can be
// rendered from several threads at once. Bounded: output size, loop iterations and call depth are limited so a
// hostile template fails with an error instead of exhausting the machine.

#include "tokenizer/jinja/jinjaast.h"

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <unordered_map>

namespace moescope::tok::jinja {

class Interpreter {
public:
    explicit Interpreter(const Template& tmpl);
    // context: a JSON object whose members become variables. Errors name the template position.
    std::string render(const nlohmann::ordered_json& context);

private:
    struct Frame {
        std::unordered_map<std::string, Value> vars;
        Frame* parent = nullptr;
    };
    enum class Flow { Normal, Break, Continue };

    Flow renderBody(const Body& body, Frame& frame, std::string& out);
    Flow renderNode(const Node& node, Frame& frame, std::string& out);
    void renderFor(const Node& node, Frame& frame, std::string& out);
    void renderSet(const Node& node, Frame& frame, const Value& value);
    Value defineMacro(const Node& node);

    Value eval(const Expr& e, Frame& frame);
    Value evalBinary(const Expr& e, const Value& a, const Value& b);
    Value evalCompare(const Expr& e, Frame& frame);
    Value getAttr(const Expr& e, const Value& obj, const std::string& name);
    Value getItem(const Expr& e, const Value& obj, const Value& key);
    CallArgs evalArgs(const Expr& e, Frame& frame, std::size_t first);
    Value lookup(const std::string& name, Frame& frame) const;

    void countStep(const SourcePos& pos);
    [[noreturn]] void fail(const SourcePos& pos, const std::string& what) const;

    const Template& m_template;
    Frame m_root; // globals and the caller's context
    Frame m_top; // the template's own top-level variables
    std::size_t m_steps = 0;
    int m_depth = 0;
};

} // namespace moescope::tok::jinja
