#!/bin/sh
# t0250-down-redo-new.sh against PostgreSQL.
MSRTEST_DRIVER=pg; export MSRTEST_DRIVER
. "${MSRTEST_SRCDIR:-..}/t/t0250-down-redo-new.sh"
