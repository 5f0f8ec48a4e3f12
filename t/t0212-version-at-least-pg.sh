#!/bin/sh
# t0212-version-at-least.sh against PostgreSQL.
MSR_TEST_DRIVER=pg; export MSR_TEST_DRIVER
. "${MSR_SRCDIR:-..}/t/t0212-version-at-least.sh"
