#!/bin/sh
# t0215-golang-sets.sh against PostgreSQL.
MSRTEST_DRIVER=pg; export MSRTEST_DRIVER
. "${MSRTEST_SRCDIR:-..}/t/t0215-golang-sets.sh"
