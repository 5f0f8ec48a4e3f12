#!/bin/sh
# t0296-tables-grow.sh against PostgreSQL.
MSRTEST_DRIVER=pg; export MSRTEST_DRIVER
. "${MSRTEST_SRCDIR:-..}/t/t0296-tables-grow.sh"
