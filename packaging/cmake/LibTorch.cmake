# Imports LibTorch from the PyPI torch wheel as the target moescope::torch.
#
# TorchConfig.cmake from the wheel insists on a CUDA toolkit and probes GPUs with try_run even for CPU-only use, so
# the CPU build imports the shared libraries directly. Only MOESCOPE_WITH_CUDA_KERNELS adds the CUDA toolkit.
# MOESCOPE_TORCH_DIR may point at the torch package folder; otherwise MOESCOPE_PYTHON (default: ./.venv/bin/python,
# then python3) is asked where torch lives.

if(NOT MOESCOPE_TORCH_DIR)
    if(NOT MOESCOPE_PYTHON)
        if(EXISTS ${CMAKE_SOURCE_DIR}/.venv/bin/python)
            set(MOESCOPE_PYTHON ${CMAKE_SOURCE_DIR}/.venv/bin/python)
        else()
            find_program(MOESCOPE_PYTHON python3 REQUIRED)
        endif()
    endif()
    execute_process(
        COMMAND ${MOESCOPE_PYTHON} -c "import os, importlib.util as u; print(os.path.dirname(u.find_spec('torch').origin))"
        OUTPUT_VARIABLE MOESCOPE_TORCH_DIR OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE _torch_rc)
    if(NOT _torch_rc EQUAL 0 OR NOT EXISTS "${MOESCOPE_TORCH_DIR}/lib/libtorch.so")
        message(FATAL_ERROR "LibTorch not found through ${MOESCOPE_PYTHON}. Run packaging/setup-deps.sh, "
                            "or pass -DMOESCOPE_TORCH_DIR=<site-packages>/torch")
    endif()
endif()
set(MOESCOPE_TORCH_DIR ${MOESCOPE_TORCH_DIR} CACHE PATH "torch package folder (include/, lib/)")
message(STATUS "LibTorch: ${MOESCOPE_TORCH_DIR}")

# The wheel ships its own {fmt} (v12) in include/fmt, which would shadow the system {fmt} that Debian's spdlog is
# built against (ABI mismatch at link time). Expose torch's include folder without that one entry.
set(_torch_include ${CMAKE_BINARY_DIR}/torch-include)
file(MAKE_DIRECTORY ${_torch_include})
file(GLOB _torch_include_entries RELATIVE ${MOESCOPE_TORCH_DIR}/include ${MOESCOPE_TORCH_DIR}/include/*)
foreach(_entry ${_torch_include_entries})
    if(NOT _entry STREQUAL "fmt" AND NOT EXISTS ${_torch_include}/${_entry})
        file(CREATE_LINK ${MOESCOPE_TORCH_DIR}/include/${_entry} ${_torch_include}/${_entry} SYMBOLIC)
    endif()
endforeach()

add_library(moescope_torch INTERFACE)
add_library(moescope::torch ALIAS moescope_torch)
target_include_directories(moescope_torch SYSTEM INTERFACE
    ${_torch_include} ${MOESCOPE_TORCH_DIR}/include/torch/csrc/api/include)
target_compile_definitions(moescope_torch INTERFACE _GLIBCXX_USE_CXX11_ABI=1)
# libtorch.so pulls in libtorch_cuda.so, which registers the CUDA backend at load time: keep it even though no
# symbol of it is referenced, so a CPU build still runs on CUDA where a GPU is present.
target_link_libraries(moescope_torch INTERFACE
    "-Wl,--no-as-needed" ${MOESCOPE_TORCH_DIR}/lib/libtorch.so "-Wl,--as-needed"
    ${MOESCOPE_TORCH_DIR}/lib/libtorch_cpu.so ${MOESCOPE_TORCH_DIR}/lib/libc10.so)
target_link_options(moescope_torch INTERFACE "LINKER:-rpath,${MOESCOPE_TORCH_DIR}/lib")

if(MOESCOPE_WITH_CUDA_KERNELS)
    # The kernels need compute capability 8.0 (bf16 arithmetic, tensor-core mma): machine code for Ampere / Ada
    # (sm_80 runs on 8.6 and 8.9) and Hopper, and Hopper's PTX for newer GPUs, unless the caller names others.
    # (enable_language would otherwise pick nvcc's default, sm_75 for CUDA 13, and every kernel would be compiled
    # from Turing PTX at load time, with bf16 arithmetic emulated.)
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
        set(CMAKE_CUDA_ARCHITECTURES "80-real;90")
    endif()
    enable_language(CUDA)
    find_package(CUDAToolkit REQUIRED)
    add_library(moescope_torch_cuda INTERFACE)
    add_library(moescope::torch_cuda ALIAS moescope_torch_cuda)
    target_link_libraries(moescope_torch_cuda INTERFACE moescope_torch CUDA::cudart
        ${MOESCOPE_TORCH_DIR}/lib/libtorch_cuda.so ${MOESCOPE_TORCH_DIR}/lib/libc10_cuda.so)
    target_compile_definitions(moescope_torch_cuda INTERFACE MOESCOPE_HAVE_CUDA_KERNELS=1 USE_C10D_NCCL=0)
endif()
