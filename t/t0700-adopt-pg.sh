#!/bin/sh
# t0700-adopt.sh against PostgreSQL.
MSR_TEST_DRIVER=pg; export MSR_TEST_DRIVER
. "${MSR_SRCDIR:-..}/t/t0700-adopt.sh"
