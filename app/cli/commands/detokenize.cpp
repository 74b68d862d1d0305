// moescope-cli detokenize: token ids -> text, printed exactly (no newline added).

#include <cstdint>
#include "commands.h"

#include "tokenizer/tokenizer.h"

#include <iostream>

namespace moescope::cli {

int runDetokenize(Args& args)
{
    const std::string tokenizerPath = args.required("--tokenizer");
    const std::vector<std::int32_t> ids = parseIdList(args.required("--ids"), "--ids");
    const bool skipSpecial = args.flag("--skip-special");
    args.finish();
    const Tokenizer tokenizer = Tokenizer::fromFile(tokenizerPath);
    std::cout << tokenizer.decode(ids, skipSpecial) << std::flush;
    return 0;
}

} // namespace moescope::cli
