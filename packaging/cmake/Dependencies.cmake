# The backend's third-party libraries as targets moescope::<name>. Debian/Ubuntu -dev packages are found through their
# CMake or pkg-config files; on machines that have only the runtime library (the GPU server: no -dev packages), pass
# the header folder in CMAKE_INCLUDE_PATH and the library is found by name.

find_package(PkgConfig QUIET)
find_package(spdlog REQUIRED)

find_package(nlohmann_json 3.10 QUIET)
if(NOT TARGET nlohmann_json::nlohmann_json)
    find_path(MOESCOPE_NLOHMANN_INCLUDE nlohmann/json.hpp REQUIRED)
    add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
    target_include_directories(nlohmann_json::nlohmann_json INTERFACE ${MOESCOPE_NLOHMANN_INCLUDE})
endif()

find_package(SQLite3 QUIET)
if(TARGET SQLite::SQLite3)
    add_library(moescope::sqlite ALIAS SQLite::SQLite3)
else()
    find_path(MOESCOPE_SQLITE_INCLUDE sqlite3.h REQUIRED)
    find_library(MOESCOPE_SQLITE_LIBRARY NAMES sqlite3 libsqlite3.so.0 REQUIRED)
    add_library(moescope::sqlite INTERFACE IMPORTED)
    target_include_directories(moescope::sqlite INTERFACE ${MOESCOPE_SQLITE_INCLUDE})
    target_link_libraries(moescope::sqlite INTERFACE ${MOESCOPE_SQLITE_LIBRARY})
endif()

if(PkgConfig_FOUND)
    pkg_check_modules(PCRE2 QUIET IMPORTED_TARGET libpcre2-8)
endif()
if(TARGET PkgConfig::PCRE2)
    add_library(moescope::pcre2 ALIAS PkgConfig::PCRE2)
else()
    find_path(MOESCOPE_PCRE2_INCLUDE pcre2.h REQUIRED)
    find_library(MOESCOPE_PCRE2_LIBRARY NAMES pcre2-8 libpcre2-8.so.0 REQUIRED)
    add_library(moescope::pcre2 INTERFACE IMPORTED)
    target_include_directories(moescope::pcre2 INTERFACE ${MOESCOPE_PCRE2_INCLUDE})
    target_link_libraries(moescope::pcre2 INTERFACE ${MOESCOPE_PCRE2_LIBRARY})
endif()

if(MOESCOPE_WITH_PDF)
    pkg_check_modules(POPPLER_CPP REQUIRED IMPORTED_TARGET poppler-cpp)
    add_library(moescope::poppler_cpp ALIAS PkgConfig::POPPLER_CPP)
endif()
