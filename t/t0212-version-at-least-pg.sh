#!/bin/sh
# t0212-version-at-least.sh against PostgreSQL.
MSRTEST_DRIVER=pg; export MSRTEST_DRIVER
. "${MSRTEST_SRCDIR:-..}/t/t0212-version-at-least.sh"
