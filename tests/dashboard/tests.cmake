# The dashboard's server-side units (sessions, activity).
hw_add_test(test_dashboard SOURCES dashboard/test_dashboard.cpp LIBS hidewire_dashboard)
# The dashboard (issue 17) in Debian's chromium driven by puppeteer-core (npm, tests/dashboard);
# skipped (77) only when node or chromium is absent: scripts/setup.sh installs both.
add_test(NAME dashboard_browser
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/dashboard/run_dashboard.sh $<TARGET_FILE:hidewire> ${CMAKE_CURRENT_SOURCE_DIR}/data/hl7v2)
set_tests_properties(dashboard_browser PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 420)
# The browser code's pure functions (Modulus 11, HL7 v2 field numbering) under node's test runner.
add_test(NAME dashboard_units COMMAND sh -c "command -v node >/dev/null || { echo 'SKIP: node is not installed'; exit 77; }; exec node --test \"$0\""
         ${CMAKE_CURRENT_SOURCE_DIR}/dashboard/units.test.mjs)
set_tests_properties(dashboard_units PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 60)
