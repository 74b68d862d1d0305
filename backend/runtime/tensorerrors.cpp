#include <cstdint>
#include "runtime/tensorerrors.h"

#include "core/error.h"

#include <c10/util/Exception.h>

#include <cstdio>

namespace moescope {

std::string formatBytes(std::uint64_t bytes)
{
    const char* units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
    double v = static_cast<double>(bytes);
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.2f %s", v, units[u]);
    return buf;
}

void guardTensorErrors(const std::string& what, const std::function<void()>& body)
{
    try {
        body();
    } catch (const c10::OutOfMemoryError& e) {
        // The allocator's message says how much it tried to allocate and how much was free.
        std::string msg = e.what_without_backtrace();
        throw OutOfMemoryError("out of device memory while " + what + ": " + msg.substr(0, msg.find('\n')));
    } catch (const c10::Error& e) {
        std::string msg = e.what_without_backtrace();
        throw Error("tensor error while " + what + ": " + msg.substr(0, msg.find('\n')));
    } catch (const std::bad_alloc&) {
        throw OutOfMemoryError("out of host memory while " + what);
    }
}

} // namespace moescope
