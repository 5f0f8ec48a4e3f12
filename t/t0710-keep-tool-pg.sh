#!/bin/sh
# t0710-keep-tool.sh against PostgreSQL.
MSRTEST_DRIVER=pg; export MSRTEST_DRIVER
. "${MSRTEST_SRCDIR:-..}/t/t0710-keep-tool.sh"
