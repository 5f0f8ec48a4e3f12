#!/bin/sh
# t0262-lock-release.sh against PostgreSQL.
MSR_TEST_DRIVER=pg; export MSR_TEST_DRIVER
. "${MSR_SRCDIR:-..}/t/t0262-lock-release.sh"
