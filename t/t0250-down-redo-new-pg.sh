#!/bin/sh
# t0250-down-redo-new.sh against PostgreSQL.
MSR_TEST_DRIVER=pg; export MSR_TEST_DRIVER
. "${MSR_SRCDIR:-..}/t/t0250-down-redo-new.sh"
