#!/bin/sh
# t0920-json.sh against PostgreSQL.
MSRTEST_DRIVER=pg; export MSRTEST_DRIVER
. "${MSRTEST_SRCDIR:-..}/t/t0920-json.sh"
