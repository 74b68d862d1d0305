#include "eval/memorytracker.h"

#include <c10/core/Allocator.h>
#include <c10/util/ThreadLocalDebugInfo.h>

#include <algorithm>
#include <optional>

namespace moescope {

namespace {
    struct Counter final : c10::MemoryReportingInfoBase {
        std::int64_t current = 0;
        std::int64_t peak = 0;
        void reportMemoryUsage(void*, int64_t size, size_t, size_t, c10::Device) override
        {
            current += size;
            peak = std::max(peak, current);
        }
        bool memoryProfilingEnabled() const override { return true; }
    };
} // namespace

struct MemoryTracker::Impl {
    std::shared_ptr<Counter> counter = std::make_shared<Counter>();
    std::optional<c10::DebugInfoGuard> guard;
};

MemoryTracker::MemoryTracker()
    : m_impl(std::make_unique<Impl>())
{
    m_impl->guard.emplace(c10::DebugInfoKind::PROFILER_STATE, m_impl->counter);
}

MemoryTracker::~MemoryTracker() = default;

std::int64_t MemoryTracker::current() const { return m_impl->counter->current; }

std::int64_t MemoryTracker::peak() const { return m_impl->counter->peak; }

void MemoryTracker::resetPeak() { m_impl->counter->peak = m_impl->counter->current; }

} // namespace moescope
