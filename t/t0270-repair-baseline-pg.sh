#!/bin/sh
# t0270-repair-baseline.sh against PostgreSQL.
MSR_TEST_DRIVER=pg; export MSR_TEST_DRIVER
. "${MSR_SRCDIR:-..}/t/t0270-repair-baseline.sh"
