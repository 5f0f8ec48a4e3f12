#!/bin/sh
# t0710-keep-tool.sh against PostgreSQL.
MSR_TEST_DRIVER=pg; export MSR_TEST_DRIVER
. "${MSR_SRCDIR:-..}/t/t0710-keep-tool.sh"
