# The git revision both binaries name in --version, fixed at configure time: HAGUARD_REVISION when
# given (the image build passes it: its context has no .git), else `git rev-parse HEAD`, else
# "unknown" (a source tarball builds too). Targets that print it link haguard_revision.
set(HAGUARD_REVISION "" CACHE STRING "Git revision named by --version (empty: ask git)")
set(haguard_revision "${HAGUARD_REVISION}")
if(NOT haguard_revision)
  find_package(Git QUIET)
  if(GIT_FOUND)
    execute_process(COMMAND ${GIT_EXECUTABLE} -C ${PROJECT_SOURCE_DIR} rev-parse HEAD
                    OUTPUT_VARIABLE haguard_revision OUTPUT_STRIP_TRAILING_WHITESPACE
                    RESULT_VARIABLE git_status ERROR_QUIET)
    # Configure again when HEAD moves (a commit or a checkout writes HEAD's reflog), so a
    # developer's build tree does not keep naming an old revision.
    execute_process(COMMAND ${GIT_EXECUTABLE} -C ${PROJECT_SOURCE_DIR} rev-parse
                            --path-format=absolute --git-path logs/HEAD
                    OUTPUT_VARIABLE head_log OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(NOT git_status EQUAL 0)
      set(haguard_revision "")
    elseif(EXISTS "${head_log}")
      set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${head_log}")
    endif()
  endif()
endif()
if(NOT haguard_revision MATCHES "^[0-9A-Za-z._-]+$")
  set(haguard_revision "unknown")
endif()
message(STATUS "haguard revision: ${haguard_revision}")
# A generated header, included only where the revision is printed: a new revision recompiles
# two files, not every file that sees a compile definition.
configure_file(${CMAKE_CURRENT_LIST_DIR}/revision.h.in ${PROJECT_BINARY_DIR}/generated/haguard/revision.h
               @ONLY)
add_library(haguard_revision INTERFACE)
target_include_directories(haguard_revision INTERFACE ${PROJECT_BINARY_DIR}/generated)
