#!/bin/sh
# t0215-golang-sets.sh against PostgreSQL.
MSR_TEST_DRIVER=pg; export MSR_TEST_DRIVER
. "${MSR_SRCDIR:-..}/t/t0215-golang-sets.sh"
