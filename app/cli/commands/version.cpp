#include "commands.h"

#include "runtime/devices.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace moescope::cli {

int runVersion(Args& args)
{
    args.finish();
    nlohmann::json out;
    out["moescope"] = MOESCOPE_VERSION;
    out["libtorch"] = libtorchVersion();
    out["cuda_available"] = cudaAvailable();
    for (const auto& d : availableDevices())
        out["devices"].push_back({ { "name", d.name }, { "description", d.description },
            { "total_memory", d.totalMemory }, { "free_memory", d.freeMemory } });
    std::cout << out.dump(2) << "\n";
    return 0;
}

} // namespace moescope::cli
