#!/bin/sh
# t0262-lock-release.sh against PostgreSQL.
MSRTEST_DRIVER=pg; export MSRTEST_DRIVER
. "${MSRTEST_SRCDIR:-..}/t/t0262-lock-release.sh"
