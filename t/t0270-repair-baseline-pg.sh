#!/bin/sh
# t0270-repair-baseline.sh against PostgreSQL.
MSRTEST_DRIVER=pg; export MSRTEST_DRIVER
. "${MSRTEST_SRCDIR:-..}/t/t0270-repair-baseline.sh"
