#pragma once
// Turns LibTorch's exceptions into the backend's typed errors at the runtime's boundary: device out-of-memory
// becomes OutOfMemoryError with the device's free memory, any other c10::Error an Error naming the operation.

#include <cstdint>
#include <functional>
#include <string>

namespace moescope {

void guardTensorErrors(const std::string& what, const std::function<void()>& body);
std::string formatBytes(std::uint64_t bytes); // "1.50 GiB"

} // namespace moescope
