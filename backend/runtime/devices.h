#pragma once
// Which compute devices this process can use, and resolving the user's "auto|cpu|cuda[:N]" choice.
// No LibTorch types in this header so that Qt code can include it cheaply.

#include <cstdint>
#include <string>
#include <vector>

namespace moescope {

struct DeviceInfo {
    std::string name; // "cpu", "cuda:0"
    std::string description; // "NVIDIA H200", "CPU (16 threads)"
    std::uint64_t totalMemory = 0; // bytes; 0 when unknown
    std::uint64_t freeMemory = 0;
};

bool cudaAvailable();
std::vector<DeviceInfo> availableDevices();
// "auto" -> "cuda:0" when a GPU is usable, else "cpu"; "cuda" -> "cuda:0". Throws InvalidArgumentError for an
// unknown name and UnsupportedError for CUDA on a machine without a usable GPU.
std::string resolveDevice(const std::string& choice);
// Free and total bytes of the device ("cpu": physical memory available/total).
DeviceInfo queryDevice(const std::string& device);
std::string libtorchVersion();

} // namespace moescope
