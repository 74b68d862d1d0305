#pragma once
// Parses the Jinja subset that chat templates use: {% if/elif/else %}, {% for ... in ... [if ...] %} with else and
// loop.*, {% set %} (names, namespace attributes, unpacking, blocks), {% macro %}, {% break/continue %},
// {% generation %}, and expressions with Jinja's precedence (conditional, or/and/not, comparisons and in, ~, + - * /
// // % **, filters, tests, calls, attributes, subscripts and slices, list/tuple/dict literals). Anything else is an
// UnsupportedError naming the construct and its position; syntax errors are FormatErrors.

#include "tokenizer/jinja/jinjaast.h"

#include <string_view>

namespace moescope::tok::jinja {

std::unique_ptr<Template> parseTemplate(std::string_view source);

} // namespace moescope::tok::jinja
