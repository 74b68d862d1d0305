#pragma once
// Records what the CPU and the GPU run while it lives (LibTorch's Kineto profiler: operators, kernel launches and
// kernels with their device times) and writes a Chrome trace (chrome://tracing, Perfetto) when finished.

#include <string>

namespace moescope {

class ProfileSession {
public:
    explicit ProfileSession(std::string tracePath); // starts recording
    ~ProfileSession(); // stops without writing if finish() was not called
    ProfileSession(const ProfileSession&) = delete;
    ProfileSession& operator=(const ProfileSession&) = delete;

    // Stops recording and writes the trace; throws IoError naming the path when it cannot be written.
    void finish();

private:
    std::string m_path;
    bool m_active = false;
};

} // namespace moescope
