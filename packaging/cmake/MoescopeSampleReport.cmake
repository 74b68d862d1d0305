# moescope_add_sample_report(<target> OUTPUT <file.pdf> [SEED <n>] [TRUTH <file.json>])
#
# Generates the project's own sample annual report (a fictional company's Form 10-K) at build time with
# `moescope-cli make-sample-report`, plus its ground truth JSON (default: the PDF's name with .truth.json). The
# report is deterministic for a seed, so rebuilding produces the same bytes. Intended for resources/CMakeLists.txt:
#
#   include(MoescopeSampleReport)
#   moescope_add_sample_report(moescope_sample_report OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/sample-10k.pdf SEED 1)
#   install(FILES ${CMAKE_CURRENT_BINARY_DIR}/sample-10k.pdf ${CMAKE_CURRENT_BINARY_DIR}/sample-10k.truth.json
#           DESTINATION share/moescope/samples)
function(moescope_add_sample_report target)
    cmake_parse_arguments(R "" "OUTPUT;SEED;TRUTH" "" ${ARGN})
    if(NOT R_OUTPUT)
        message(FATAL_ERROR "moescope_add_sample_report: OUTPUT is required")
    endif()
    if(NOT R_SEED)
        set(R_SEED 1)
    endif()
    if(NOT R_TRUTH)
        get_filename_component(dir "${R_OUTPUT}" DIRECTORY)
        get_filename_component(stem "${R_OUTPUT}" NAME_WLE)
        set(R_TRUTH "${dir}/${stem}.truth.json")
    endif()
    add_custom_command(
        OUTPUT "${R_OUTPUT}" "${R_TRUTH}"
        COMMAND moescope-cli make-sample-report --out "${R_OUTPUT}" --truth "${R_TRUTH}" --seed ${R_SEED}
        DEPENDS moescope-cli
        COMMENT "Generating the sample annual report ${R_OUTPUT}"
        VERBATIM)
    add_custom_target(${target} ALL DEPENDS "${R_OUTPUT}" "${R_TRUTH}")
endfunction()
