# Writes the build information source (OUT) from its template (IN), run at
# every build by the pharos_build_info_gen target:
#
#   cmake -DSOURCE_DIR=... -DIN=... -DOUT=... -DPHAROS_VERSION=...
#         -DPHAROS_COMPILER=... -DPHAROS_PLATFORM=... -P gen_build_info.cmake
#
# The file is rewritten only when the version, revision, branch or user
# change, so an unchanged tree does not relink; the build date is the time
# of that rewrite.
find_program(GIT_EXECUTABLE git)
set(PHAROS_REVISION unknown)
set(PHAROS_BRANCH unknown)
if(GIT_EXECUTABLE)
  execute_process(COMMAND ${GIT_EXECUTABLE} -C ${SOURCE_DIR} rev-parse HEAD
    OUTPUT_VARIABLE rev RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(rc EQUAL 0 AND rev)
    set(PHAROS_REVISION ${rev})
  endif()
  execute_process(COMMAND ${GIT_EXECUTABLE} -C ${SOURCE_DIR} rev-parse --abbrev-ref HEAD
    OUTPUT_VARIABLE branch RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(rc EQUAL 0 AND branch)
    set(PHAROS_BRANCH ${branch})
  endif()
endif()

set(user "$ENV{USER}")
if(NOT user)
  set(user "$ENV{LOGNAME}")
endif()
if(NOT user)
  execute_process(COMMAND id -un OUTPUT_VARIABLE user OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
endif()
if(NOT user)
  set(user unknown)
endif()
cmake_host_system_information(RESULT host QUERY HOSTNAME)
set(PHAROS_BUILD_USER "${user}@${host}")

set(key "${PHAROS_VERSION}|${PHAROS_REVISION}|${PHAROS_BRANCH}|${PHAROS_BUILD_USER}|${PHAROS_COMPILER}")
if(EXISTS "${OUT}" AND EXISTS "${OUT}.key")
  file(READ "${OUT}.key" old_key)
  if(old_key STREQUAL key)
    return()
  endif()
endif()

string(TIMESTAMP PHAROS_BUILD_DATE "%Y%m%d-%H:%M:%S" UTC)
configure_file("${IN}" "${OUT}" @ONLY)
file(WRITE "${OUT}.key" "${key}")
