# install.cmake: what `cmake --install` puts where: header, libraries, the tool, its man page, pkg-config and CMake package files.
#
# Both package descriptions are relocatable: weft.pc names its directories relative to its own (${pcfiledir})
# and weftConfig.cmake relative to itself, so `cmake --install build --prefix P` works for any P, and the tree
# can be moved afterwards. Both hand consumers the static library: a test program then runs without
# LD_LIBRARY_PATH or an rpath, wherever weft was installed (libweft.so is installed too, for those who want it).

install(FILES include/weft.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS weft_static weft_shared EXPORT weftTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS weft RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES docs/weft.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# CMake package: weft::weft (static), weft::weft_shared and weft_discover_tests().
set(WEFT_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/weft)
install(EXPORT weftTargets NAMESPACE weft:: DESTINATION ${WEFT_CMAKE_DIR})
include(CMakePackageConfigHelpers)
configure_package_config_file(cmake/weftConfig.cmake.in ${CMAKE_CURRENT_BINARY_DIR}/weftConfig.cmake
                              INSTALL_DESTINATION ${WEFT_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/weftConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/weftConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/weftConfigVersion.cmake
              cmake/weftDiscoverTests.cmake cmake/weftListTests.cmake cmake/weftAddTests.cmake
        DESTINATION ${WEFT_CMAKE_DIR})

# pkg-config: prefix is ${pcfiledir} followed by one ".." per directory of LIBDIR/pkgconfig (lib/pkgconfig gives
# ${pcfiledir}/../..). An absolute LIBDIR or INCLUDEDIR is kept as it is (that tree then cannot move).
set(WEFT_PC_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(WEFT_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(WEFT_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
else()
  string(REGEX MATCHALL "[^/]+" weft_pc_parts "${WEFT_PC_DIR}")
  set(WEFT_PC_PREFIX "\${pcfiledir}")
  foreach(part IN LISTS weft_pc_parts)
    if(part STREQUAL "..")
      message(FATAL_ERROR "weft: CMAKE_INSTALL_LIBDIR '${CMAKE_INSTALL_LIBDIR}' climbs out of the prefix")
    endif()
    if(NOT part STREQUAL ".")
      string(APPEND WEFT_PC_PREFIX "/..")
    endif()
  endforeach()
  set(WEFT_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(WEFT_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(WEFT_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
configure_file(cmake/weft.pc.in ${CMAKE_CURRENT_BINARY_DIR}/weft.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/weft.pc DESTINATION ${WEFT_PC_DIR})
