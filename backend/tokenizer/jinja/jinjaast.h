#pragma once
// The syntax tree of a parsed Jinja template (see jinjaparser.h for the subset).

#include "tokenizer/jinja/jinjalexer.h"
#include "tokenizer/jinja/jinjavalue.h"

#include <memory>
#include <string>
#include <vector>

namespace moescope::tok::jinja {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
    enum class Kind {
        Literal,
        Name,
        Attr, // children[0].name
        Item, // children[0][children[1]]
        Slice, // children[0][children[1]:children[2]:children[3]] (null parts allowed)
        Call, // children[0](children[1..]) with argNames
        Filter, // children[0] | name(children[1..]) with argNames
        Test, // children[0] is [not] name(children[1..])
        Negate,
        Plus,
        Not,
        Binary, // name is the operator: + - * / // % ** ~
        Compare, // children[0] ops[i] children[i+1]
        And,
        Or,
        Conditional, // children[1] ? children[0] : children[2] (children[2] may be null)
        List,
        Tuple,
        Dict, // children alternate key, value
    };
    Kind kind = Kind::Literal;
    SourcePos pos;
    Value literal;
    std::string name;
    std::vector<ExprPtr> children;
    std::vector<std::string> argNames; // Call/Filter/Test: one per argument, "" for positional ones
    std::vector<std::string> ops; // Compare: ==, !=, <, <=, >, >=, in, notin
    bool negated = false; // Test
};

struct Node;
using NodePtr = std::unique_ptr<Node>;
using Body = std::vector<NodePtr>;

struct Node {
    enum class Kind { Text, Output, If, For, Set, SetBlock, Macro, Break, Continue, Scope };
    Kind kind = Kind::Text;
    SourcePos pos;
    std::string text; // Text; Macro name
    ExprPtr expr; // Output value, Set value, For iterable
    std::vector<std::pair<ExprPtr, Body>> branches; // If: condition + body, in order
    Body body; // For, SetBlock, Macro, Scope (generation blocks)
    Body elseBody; // If else, For else
    std::vector<std::string> targets; // For/Set/SetBlock variable names (several for unpacking)
    std::string targetObject; // Set of "ns.attr": "ns" (targets[0] is the attribute)
    ExprPtr filter; // For ... if filter
    std::vector<std::pair<std::string, ExprPtr>> params; // Macro parameters with optional defaults
};

struct Template {
    Body body;
};

} // namespace moescope::tok::jinja
