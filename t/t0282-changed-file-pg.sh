#!/bin/sh
# t0282-changed-file.sh against PostgreSQL.
MSRTEST_DRIVER=pg; export MSRTEST_DRIVER
. "${MSRTEST_SRCDIR:-..}/t/t0282-changed-file.sh"
