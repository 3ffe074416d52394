# weftListTests.cmake: runs a weft test program's `--list` and writes the names it prints, for weft_discover_tests.
#
# In: WEFT_PARAMS, the parameters file weft_discover_tests generated (program, emulator, timeout, names file).
# Out: WEFT_NAMES_FILE holding set(WEFT_NAMES name...), in the order the program lists them. Run with
# `cmake -P` (after a build) a failure is fatal; included with WEFT_LIST_SOFT set (by ctest) it leaves the
# reason in WEFT_LIST_ERROR instead, so that ctest can show it as a failing test.

include("${WEFT_PARAMS}")
set(WEFT_LIST_ERROR "")

# A WEFT_TEST variable in the environment would narrow the list to its pattern.
unset(ENV{WEFT_TEST})
execute_process(COMMAND ${WEFT_EMULATOR} "${WEFT_EXECUTABLE}" --list
                WORKING_DIRECTORY "${WEFT_WORKING_DIRECTORY}"
                TIMEOUT ${WEFT_DISCOVERY_TIMEOUT}
                OUTPUT_VARIABLE weft_out
                ERROR_VARIABLE weft_err
                RESULT_VARIABLE weft_rc)
if(NOT weft_rc STREQUAL "0")
  string(STRIP "${weft_err}" weft_err)
  set(WEFT_LIST_ERROR "`${WEFT_EXECUTABLE} --list` failed (${weft_rc}): ${weft_err}")
else()
  # One name a line; a name is a C identifier (WEFT_TEST pastes it into one), so anything else on standard
  # output is something the program printed before weft_main ran.
  string(REPLACE "\n" ";" weft_lines "${weft_out}")
  set(weft_names "")
  foreach(line IN LISTS weft_lines)
    if(line STREQUAL "")
      continue()
    endif()
    if(NOT line MATCHES "^[A-Za-z_][A-Za-z0-9_]*$")
      set(WEFT_LIST_ERROR "`${WEFT_EXECUTABLE} --list` printed '${line}', which is not a test name")
      break()
    endif()
    list(APPEND weft_names "${line}")
  endforeach()
endif()

if(WEFT_LIST_ERROR)
  if(NOT WEFT_LIST_SOFT)
    message(FATAL_ERROR "weft_discover_tests(${WEFT_TARGET}): ${WEFT_LIST_ERROR}")
  endif()
else()
  file(WRITE "${WEFT_NAMES_FILE}" "set(WEFT_NAMES ${weft_names})\n")
endif()
