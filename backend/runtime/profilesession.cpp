#include "runtime/profilesession.h"

#include "core/error.h"

#include <torch/csrc/autograd/profiler_kineto.h>

#include <filesystem>
#include <set>

namespace moescope {

namespace {
    namespace profiler = torch::autograd::profiler;
    using torch::profiler::impl::ActivityType;

    const std::set<ActivityType>& activities()
    {
        static const std::set<ActivityType> kinds = { ActivityType::CPU, ActivityType::CUDA };
        return kinds;
    }
    torch::profiler::impl::ProfilerConfig config()
    {
        return torch::profiler::impl::ProfilerConfig(torch::profiler::impl::ProfilerState::KINETO);
    }
} // namespace

ProfileSession::ProfileSession(std::string tracePath)
    : m_path(std::move(tracePath))
{
    profiler::prepareProfiler(config(), activities());
    profiler::enableProfiler(config(), activities());
    m_active = true;
}

ProfileSession::~ProfileSession()
{
    if (m_active) {
        try {
            profiler::disableProfiler();
        } catch (...) { // a destructor must not throw; the trace is simply not written
        }
    }
}

void ProfileSession::finish()
{
    if (!m_active)
        return;
    m_active = false;
    auto result = profiler::disableProfiler();
    result->save(m_path);
    if (!std::filesystem::exists(m_path))
        throw IoError("could not write the profile trace " + m_path);
}

} // namespace moescope
