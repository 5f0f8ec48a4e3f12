#!/bin/sh
# t0145-down-confirm.sh against PostgreSQL.
MSRTEST_DRIVER=pg; export MSRTEST_DRIVER
. "${MSRTEST_SRCDIR:-..}/t/t0145-down-confirm.sh"
