# Included from the top-level CMakeLists.txt inside if(ROLLGATE_BUILD_TESTS).
# rollgate_mock_server: the mock provider as a process for tests/sdk/run.sh; and the
# official-SDK compatibility test, registered only where node and the SDK are installed.
add_executable(rollgate_mock_server tests/sdk/mock_server_main.cc)
target_link_libraries(rollgate_mock_server PRIVATE rollgate_mock)
rollgate_set_warnings(rollgate_mock_server)
add_dependencies(rollgate_tests rollgate_mock_server)

find_program(ROLLGATE_NODE node)
if(ROLLGATE_NODE AND EXISTS ${PROJECT_SOURCE_DIR}/tests/sdk/node_modules/openai)
  add_test(NAME sdk_compat
           COMMAND ${PROJECT_SOURCE_DIR}/tests/sdk/run.sh $<TARGET_FILE:rollgate_mock_server>)
  set_tests_properties(sdk_compat PROPERTIES TIMEOUT 120)
  if(ROLLGATE_TEST_ENVIRONMENT)  # cmake/Sanitizers.cmake
    set_tests_properties(sdk_compat PROPERTIES ENVIRONMENT "${ROLLGATE_TEST_ENVIRONMENT}")
  endif()
elseif("$ENV{ROLLGATE_TESTS_REQUIRE_ALL}" STREQUAL "1")
  message(FATAL_ERROR "sdk_compat needs node and `npm ci` in tests/sdk (scripts/bootstrap.sh "
                      "--test), and ROLLGATE_TESTS_REQUIRE_ALL=1 says this machine must run it")
else()
  message(STATUS "sdk_compat test skipped: needs node and `npm ci` in tests/sdk")
endif()
