#!/bin/sh
# t0280-guarantees.sh against PostgreSQL.
MSR_TEST_DRIVER=pg; export MSR_TEST_DRIVER
. "${MSR_SRCDIR:-..}/t/t0280-guarantees.sh"
