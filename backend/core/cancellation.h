#pragma once
// Cooperative cancellation: long operations take a std::stop_token and poll it between layers, tokens, pages or rows.

#include "core/error.h"

#include <cstdint>
#include <functional>
#include <stop_token>

namespace moescope {

inline void throwIfStopRequested(const std::stop_token& stop)
{
    if (stop.stop_requested())
        throw CancelledError();
}

// Progress callback: done out of total units (tokens, pages, rows). May be called from a worker thread.
using ProgressCallback = std::function<void(std::int64_t done, std::int64_t total)>;

} // namespace moescope
