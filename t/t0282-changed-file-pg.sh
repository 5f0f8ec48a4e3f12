#!/bin/sh
# t0282-changed-file.sh against PostgreSQL.
MSR_TEST_DRIVER=pg; export MSR_TEST_DRIVER
. "${MSR_SRCDIR:-..}/t/t0282-changed-file.sh"
