#!/bin/sh
# t0296-tables-grow.sh against PostgreSQL.
MSR_TEST_DRIVER=pg; export MSR_TEST_DRIVER
. "${MSR_SRCDIR:-..}/t/t0296-tables-grow.sh"
