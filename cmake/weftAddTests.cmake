# weftAddTests.cmake: read by ctest through weft_discover_tests' include file: one add_test per WEFT_TEST listed.
#
# In: WEFT_TARGET and WEFT_PARAMS (the generated parameters of this configuration). Lists the tests again when
# the program is newer than its names file (PRE_TEST mode, or a POST_BUILD list that is missing or stale). A
# program not built yet shows as the failing test TARGET_NOT_BUILT, one that cannot list its tests as
# TARGET_NOT_LISTED (its output says why).

if(NOT EXISTS "${WEFT_PARAMS}")
  add_test("${WEFT_TARGET}_NOT_BUILT" "${WEFT_TARGET}_NOT_BUILT")
  return()
endif()
include("${WEFT_PARAMS}")
if(NOT EXISTS "${WEFT_EXECUTABLE}")
  add_test("${WEFT_TARGET}_NOT_BUILT" "${WEFT_TARGET}_NOT_BUILT")
  return()
endif()
if(NOT EXISTS "${WEFT_NAMES_FILE}" OR "${WEFT_EXECUTABLE}" IS_NEWER_THAN "${WEFT_NAMES_FILE}")
  set(WEFT_LIST_SOFT TRUE)
  include("${CMAKE_CURRENT_LIST_DIR}/weftListTests.cmake")
  if(WEFT_LIST_ERROR)
    # echo succeeds, WILL_FAIL turns that into a failure: the test fails and its output is the reason.
    add_test("${WEFT_TARGET}_NOT_LISTED" "${WEFT_CMAKE_COMMAND}" -E echo "weft_discover_tests: ${WEFT_LIST_ERROR}")
    set_tests_properties("${WEFT_TARGET}_NOT_LISTED" PROPERTIES WILL_FAIL TRUE)
    return()
  endif()
endif()
include("${WEFT_NAMES_FILE}")
foreach(weft_name IN LISTS WEFT_NAMES)
  set(weft_ctest_name "${WEFT_TEST_PREFIX}${weft_name}${WEFT_TEST_SUFFIX}")
  add_test("${weft_ctest_name}" ${WEFT_EMULATOR} "${WEFT_EXECUTABLE}" --test "${weft_name}" ${WEFT_EXTRA_ARGS})
  set_tests_properties("${weft_ctest_name}" PROPERTIES WORKING_DIRECTORY "${WEFT_WORKING_DIRECTORY}" ${WEFT_PROPERTIES})
endforeach()
