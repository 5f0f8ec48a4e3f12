#!/bin/sh
# t0280-guarantees.sh against PostgreSQL.
MSRTEST_DRIVER=pg; export MSRTEST_DRIVER
. "${MSRTEST_SRCDIR:-..}/t/t0280-guarantees.sh"
