#!/bin/sh
# t0145-down-confirm.sh against PostgreSQL.
MSR_TEST_DRIVER=pg; export MSR_TEST_DRIVER
. "${MSR_SRCDIR:-..}/t/t0145-down-confirm.sh"
