# tenk_add_step(): the whole CMakeLists.txt of a step folder.
#
#   tenk_add_step(FEATURES NONE)                      # no optional feature
#   tenk_add_step(FEATURES WORKERS)                   # --workers N forks worker processes
#   tenk_add_step(FEATURES WORKERS FD_CACHE)          # ... and --fd-cache S caches open files
#   tenk_add_step(FEATURES WORKERS FD_CACHE TIMEOUT)  # ... and --timeout S closes idle ones
#   tenk_add_step(FEATURES THREADS FD_CACHE TIMEOUT)  # --threads N I/O threads, one process
#   tenk_add_step(FEATURES THREADS IO_URING)          # ... its I/O on io_uring (links tenk_ring)
#   tenk_add_step(FEATURES NONE DESCRIPTOR_WALL 1024) # select(): fds >= 1024 get a 503
#
# Builds the folder's *.cpp as build/bin/<folder name> and records the step's traits: what the
# conformance suite (tests/conformance) expects of it. A case that needs a feature the step
# does not declare is skipped with that reason. FEATURES is required (NONE says so on purpose),
# so a new step folder cannot silently run without traits: configuring fails instead.
set(TENK_STEP_FEATURES WORKERS FD_CACHE TIMEOUT THREADS IO_URING)  # features the conformance suite knows how to test

function(tenk_add_step)
  cmake_parse_arguments(PARSE_ARGV 0 STEP "" "DESCRIPTOR_WALL" "FEATURES")
  get_filename_component(step ${CMAKE_CURRENT_SOURCE_DIR} NAME)
  if(STEP_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "steps/${step}: tenk_add_step() does not know '${STEP_UNPARSED_ARGUMENTS}'")
  endif()
  if(NOT STEP_FEATURES)
    message(FATAL_ERROR "steps/${step}: tenk_add_step() needs FEATURES "
                        "(NONE, or some of: ${TENK_STEP_FEATURES})")
  endif()
  set(has_workers false)
  set(has_fd_cache false)
  set(has_timeout false)
  set(has_threads false)
  set(needs_io_uring false)
  foreach(feature ${STEP_FEATURES})
    if(feature STREQUAL "WORKERS")
      set(has_workers true)
    elseif(feature STREQUAL "FD_CACHE")
      set(has_fd_cache true)
    elseif(feature STREQUAL "TIMEOUT")
      set(has_timeout true)
    elseif(feature STREQUAL "THREADS")
      set(has_threads true)
    elseif(feature STREQUAL "IO_URING")
      set(needs_io_uring true)
    elseif(NOT feature STREQUAL "NONE")
      message(FATAL_ERROR "steps/${step}: unknown feature '${feature}' "
                          "(known: NONE ${TENK_STEP_FEATURES})")
    endif()
  endforeach()
  set(wall 0)
  if(STEP_DESCRIPTOR_WALL)
    set(wall ${STEP_DESCRIPTOR_WALL})
  endif()

  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  add_executable(${step} ${sources})
  target_link_libraries(${step} PRIVATE tenk_common)
  if(needs_io_uring)
    target_link_libraries(${step} PRIVATE tenk_ring)
  endif()

  string(SUBSTRING ${step} 0 2 number)
  set_property(GLOBAL APPEND PROPERTY TENK_STEPS ${step})
  # One initializer of the conformance suite's StepTraits, in the order of its fields.
  set_property(GLOBAL APPEND PROPERTY TENK_STEP_TRAITS
               "{\"${step}\", \"step${number}\", ${wall}, ${has_workers}, ${has_fd_cache}, ${has_timeout}, ${has_threads}, ${needs_io_uring}},")
endfunction()
