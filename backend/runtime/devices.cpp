#include <cstdint>
#include "runtime/devices.h"

#include "core/error.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/version.h>

#include <dlfcn.h>
#include <fstream>
#include <sstream>

namespace moescope {

namespace {
    // cudaMemGetInfo/cudaGetDeviceProperties through the CUDA runtime that LibTorch already loaded; looked up at run
    // time so that a CPU build needs no CUDA headers.
    using MemGetInfoFn = int (*)(std::size_t*, std::size_t*);
    using SetDeviceFn = int (*)(int);

    std::pair<std::uint64_t, std::uint64_t> cudaMemory(int index)
    {
        auto memGetInfo = reinterpret_cast<MemGetInfoFn>(::dlsym(RTLD_DEFAULT, "cudaMemGetInfo"));
        auto setDevice = reinterpret_cast<SetDeviceFn>(::dlsym(RTLD_DEFAULT, "cudaSetDevice"));
        std::size_t freeBytes = 0, totalBytes = 0;
        if (memGetInfo && setDevice && setDevice(index) == 0 && memGetInfo(&freeBytes, &totalBytes) == 0)
            return { freeBytes, totalBytes };
        return { 0, 0 };
    }

    std::pair<std::uint64_t, std::uint64_t> hostMemory()
    {
        std::ifstream meminfo("/proc/meminfo");
        std::string key;
        std::uint64_t value = 0, total = 0, available = 0;
        std::string unit;
        while (meminfo >> key >> value >> unit) {
            if (key == "MemTotal:")
                total = value * 1024;
            else if (key == "MemAvailable:")
                available = value * 1024;
        }
        return { available, total };
    }
} // namespace

bool cudaAvailable() { return at::hasCUDA() && at::detail::getCUDAHooks().deviceCount() > 0; }

std::string libtorchVersion() { return TORCH_VERSION; }

DeviceInfo queryDevice(const std::string& device)
{
    DeviceInfo info;
    info.name = device;
    if (device == "cpu") {
        auto [freeBytes, totalBytes] = hostMemory();
        info.freeMemory = freeBytes;
        info.totalMemory = totalBytes;
        info.description = "CPU (" + std::to_string(at::get_num_threads()) + " threads)";
        return info;
    }
    const int index = device.size() > 5 ? std::stoi(device.substr(5)) : 0;
    auto [freeBytes, totalBytes] = cudaMemory(index);
    info.freeMemory = freeBytes;
    info.totalMemory = totalBytes;
    info.description = "CUDA device " + std::to_string(index);
    return info;
}

std::vector<DeviceInfo> availableDevices()
{
    std::vector<DeviceInfo> out { queryDevice("cpu") };
    if (cudaAvailable())
        for (int i = 0; i < static_cast<int>(at::detail::getCUDAHooks().deviceCount()); ++i)
            out.push_back(queryDevice("cuda:" + std::to_string(i)));
    return out;
}

std::string resolveDevice(const std::string& choice)
{
    if (choice.empty() || choice == "auto")
        return cudaAvailable() ? "cuda:0" : "cpu";
    if (choice == "cpu")
        return choice;
    if (choice == "cuda" || choice.rfind("cuda:", 0) == 0) {
        if (!cudaAvailable())
            throw UnsupportedError("device '" + choice + "' requested but no usable CUDA GPU was found");
        int index = 0;
        if (choice.size() > 5) {
            try {
                std::size_t pos = 0;
                index = std::stoi(choice.substr(5), &pos);
                if (pos != choice.size() - 5)
                    throw std::invalid_argument("");
            } catch (const std::exception&) {
                throw InvalidArgumentError("invalid device '" + choice + "' (expected cpu, cuda or cuda:N)");
            }
        }
        if (index < 0 || index >= static_cast<int>(at::detail::getCUDAHooks().deviceCount()))
            throw InvalidArgumentError("device '" + choice + "' does not exist");
        return "cuda:" + std::to_string(index);
    }
    throw InvalidArgumentError("invalid device '" + choice + "' (expected auto, cpu, cuda or cuda:N)");
}

} // namespace moescope
