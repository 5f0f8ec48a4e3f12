#!/bin/sh
test_description='PostgreSQL: a malformed URL or conninfo string is a
usage error (exit 2) found before connecting: not retried by --wait,
nothing created, and the message names what is wrong without the password'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"
. "$MSRTEST_SRCDIR/t/lib-pg.sh"

test_expect_success 'setup' '
	pg_newdb bad &&
	mig m 1_one "CREATE TABLE one (id int);" "DROP TABLE one;" &&
	good=$(pg_tcp_url bad postgres SECRET) &&
	echo "$good" >good
'

# malformed WHAT URL: msr --wait 5 migrate with URL exits 2 within 3 s,
# says nothing about waiting, shows no SECRET, names WHAT, and leaves
# the database without any table.
malformed() {
	mf_what=$1 mf_url=$2
	mf_t0=$(date +%s) &&
	test_expect_code 2 msr -u "$mf_url" -d m --wait 5 migrate \
	    >out 2>err &&
	mf_t1=$(date +%s) &&
	if [ $((mf_t1 - mf_t0)) -gt 3 ]; then
		echo "malformed: took $((mf_t1 - mf_t0)) s" >&2
		return 1
	fi &&
	test_grep -v "waiting" err &&
	test_grep "invalid database URL" err &&
	if grep -F SECRET out err >/dev/null; then
		echo "malformed: SECRET shows:" >&2
		cat err >&2
		return 1
	fi &&
	if ! grep -F -e "$mf_what" err >/dev/null; then
		echo "malformed: '$mf_what' not named:" >&2
		cat err >&2
		return 1
	fi &&
	test -z "$(pgq bad "SELECT string_agg(relname, ',') FROM pg_class
	    WHERE relnamespace = 'public'::regnamespace")"
}

test_expect_success 'an unknown query parameter: exit 2 at once' '
	malformed bogus "$(cat good)?bogus=1"
'

test_expect_success 'pass%77ord= and an unknown parameter: exit 2, masked' '
	malformed bogus "postgresql://postgres@127.0.0.1:$PGPORT/bad?pass%77ord=SECRET&bogus=1"
'

test_expect_success 'an unterminated IPv6 address: exit 2 at once' '
	malformed "IPv6" "postgresql://postgres:SECRET@[::1/bad"
'

test_expect_success 'an unterminated quote in conninfo: exit 2 at once' '
	malformed "unterminated quoted string" \
	    "host=127.0.0.1 port=$PGPORT dbname=bad password='"'"'SECRET x"
'

test_expect_success 'an unknown conninfo keyword: exit 2 at once' '
	malformed bogus "host=127.0.0.1 port=$PGPORT dbname=bad bogus=1 password=SECRET"
'

test_expect_success 'port=notaport: exit 2 at once' '
	malformed "invalid port" \
	    "postgresql://postgres:SECRET@127.0.0.1:notaport/bad"
'

test_expect_success 'port 0 and a port list with a bad entry: exit 2 at once' '
	malformed "invalid port" "$(cat good)?port=0" &&
	malformed "invalid port" "host=127.0.0.1,127.0.0.1 port=$PGPORT,x dbname=bad password=SECRET"
'

test_expect_success 'more ports than hosts: exit 2 at once' '
	malformed "3 ports given for 2 hosts" \
	    "host=127.0.0.1,127.0.0.1 port=$PGPORT,$PGPORT,$PGPORT dbname=bad password=SECRET"
'

test_expect_success 'sslmode=bogus: exit 2 at once; the same URL, valid, connects' '
	malformed sslmode "$(cat good)?sslmode=bogus" &&
	msr -u "postgresql://postgres@127.0.0.1:$PGPORT/bad?sslmode=disable&connect_timeout=5&target_session_attrs=any&port=$PGPORT" \
	    -d m status >out 2>err
'

test_expect_success 'connect_timeout=abc and keepalives=x: exit 2 at once' '
	malformed connect_timeout "$(cat good)?connect_timeout=abc" &&
	malformed keepalives "$(cat good)?keepalives=x"
'

test_expect_success 'target_session_attrs, gssencmode, channel_binding: exit 2' '
	malformed target_session_attrs "$(cat good)?target_session_attrs=x" &&
	malformed gssencmode "$(cat good)?gssencmode=" &&
	malformed channel_binding "$(cat good)?channel_binding=maybe"
'

test_expect_success 'a bad percent-encoding in the password: exit 2, masked' '
	malformed "percent-encoded" "postgresql://postgres:SEC%zzRET@127.0.0.1:$PGPORT/bad"
'

test_done
