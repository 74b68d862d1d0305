#pragma once
// Counts the bytes of tensors allocated and freed on the calling thread while a MemoryTracker scope is open, on any
// device: it registers as LibTorch's memory-reporting hook (the one its profiler uses), which both the CPU allocator
// and the CUDA caching allocator call on every allocation and free. Frees of tensors allocated before the scope are
// not seen by the CPU allocator's hook and so never make the count negative. Allocations made by intra-op worker
// threads are not counted (LibTorch allocates outputs on the calling thread). Not for use while the LibTorch
// profiler records memory. One thread; scopes nest.

#include <cstdint>
#include <memory>

namespace moescope {

class MemoryTracker {
public:
    MemoryTracker();
    ~MemoryTracker();
    MemoryTracker(const MemoryTracker&) = delete;
    MemoryTracker& operator=(const MemoryTracker&) = delete;

    std::int64_t current() const; // bytes allocated and not freed since the scope opened
    std::int64_t peak() const; // the largest current() seen
    void resetPeak(); // peak = current

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace moescope
