#!/bin/sh
# t0285-temp-table.sh against PostgreSQL.
MSRTEST_DRIVER=pg; export MSRTEST_DRIVER
. "${MSRTEST_SRCDIR:-..}/t/t0285-temp-table.sh"
