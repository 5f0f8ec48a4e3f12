#!/bin/sh
# t0135-durations.sh against PostgreSQL.
MSR_TEST_DRIVER=pg; export MSR_TEST_DRIVER
. "${MSR_SRCDIR:-..}/t/t0135-durations.sh"
