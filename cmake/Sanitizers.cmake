# ROLLGATE_SANITIZE=address,undefined builds everything with those sanitizers (make test-asan);
# ROLLGATE_SANITIZE=thread with ThreadSanitizer (make test-tsan).
if(ROLLGATE_SANITIZE)
  add_compile_options(-fsanitize=${ROLLGATE_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${ROLLGATE_SANITIZE})
endif()

# The environment every ctest test runs with (ENVIRONMENT property), so a plain
# `ctest --test-dir build-tsan` stops at the first report, in the test that raced, and reads the
# suppressions (tests/tsan.supp says what may go there). Child processes the tests start (the
# rollgate binaries, sample_app) inherit it.
set(ROLLGATE_TEST_ENVIRONMENT "")
if(ROLLGATE_SANITIZE MATCHES "thread")
  set(ROLLGATE_TEST_ENVIRONMENT
      "TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=${PROJECT_SOURCE_DIR}/tests/tsan.supp")
endif()
