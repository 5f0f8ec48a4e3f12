#!/bin/sh
test_description='the man pages and contrib/msr.ini agree with the code'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

# What is compared, and the markup it relies on:
#   config_keys[] of src/config.c  with  man/msr.ini.5: one ".It Cm NAME"
#     per key under ".Ss The [SECTION] section" of ".Sh KEYS", followed by
#     ".It Type", ".It Default" and ".It Environment" lines each with its
#     value on the next line;
#   config_keys[]  with  contrib/msr.ini: ";NAME = DEFAULT" (or
#     "NAME = DEFAULT") under "[SECTION]", in table order, below the line
#     "; HELP" with the help text of the table;
#   commands[] of src/main.c  with  man/msr.1: one ".It Cm NAME ..." per
#     command in ".Sh COMMANDS", followed by ".Pq alias: Cm ALIAS" when the
#     command has an alias;
#   longopts[] of src/main.c  with  every ".Fl -NAME" of man/msr.1;
#   enum msr_exit of src/msr.h  with  the ".It CODE" items of
#     ".Sh EXIT STATUS" in man/msr.1.

SRC=$MSRTEST_SRCDIR

# The config_keys[] table as tab-separated fields: section, name, type,
# default ("=TEXT", or NULL), min, max, help.  Adjacent string literals
# are joined, as the compiler does.
table_keys() {
	awk '
	/^const struct cfgkey config_keys\[\] = \{/ { on = 1; next }
	on && /^\};/ { on = 0 }
	on { gsub(/\/\*[^*]*\*\//, ""); buf = buf " " $0 }
	function endfield() {
		nf++
		if (haslit)
			f[nf] = "=" lit
		else {
			gsub(/^[ \t]+|[ \t]+$/, "", field)
			f[nf] = field
		}
		field = ""; lit = ""; haslit = 0
	}
	function strip(s) {
		sub(/^=/, "", s)
		return s
	}
	END {
		n = length(buf)
		for (i = 1; i <= n; i++) {
			c = substr(buf, i, 1)
			if (instr) {
				if (c == "\\") {
					i++
					lit = lit substr(buf, i, 1)
				} else if (c == "\"")
					instr = 0
				else
					lit = lit c
				continue
			}
			if (c == "\"") {
				instr = 1
				haslit = 1
			} else if (c == "{") {
				depth++
				nf = 0; field = ""; lit = ""; haslit = 0
			} else if (c == "}") {
				if (depth == 1) {
					endfield()
					printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
					    strip(f[1]), strip(f[2]), f[3], f[5],
					    f[6], f[7], strip(f[8])
				}
				depth--
			} else if (c == "(") {
				pdepth++
				field = field c
			} else if (c == ")") {
				pdepth--
				field = field c
			} else if (c == "," && depth == 1 && pdepth == 0)
				endfield()
			else if (depth == 1)
				field = field c
		}
	}' "$SRC/src/config.c"
}

table_key_names() {
	table_keys | awk -F '\t' '{ print $1 "." $2 }'
}

# The same keys, "section.name", from the first line of each entry.
sed_keys() {
	sed -n '/^const struct cfgkey config_keys\[\] = {/,/^};/{
		s/^[[:space:]]*{ "\([a-z_]*\)", "\([a-z_]*\)", CFG_.*/\1.\2/p
	}' "$SRC/src/config.c"
}

# What msr.ini.5 must say of each key: section, name, type, default and
# environment variable, sorted.
man5_expected() {
	table_keys | awk -F '\t' '
	{
		t = $3
		if (t == "CFG_STRING")
			type = "string"
		else if (t == "CFG_INT" && $6 == "INT_MAX")
			type = "integer, " $5 " or more"
		else if (t == "CFG_INT")
			type = "integer, " $5 " to " $6
		else if (t == "CFG_BOOL")
			type = "boolean"
		else if (t == "CFG_TXMODE")
			type = "per-migration, per-batch or none"
		else if (t == "CFG_LOCKMETHOD")
			type = "advisory or table"
		else if (t == "CFG_IDENT")
			type = "identifier, at most " $6 " bytes"
		else if (t == "CFG_IDENTLIST")
			type = "list of identifiers"
		else if (t == "CFG_DURATION")
			type = "duration"
		else if (t == "CFG_SECONDS")
			type = "seconds, " $5 " to " $6
		else if (t == "CFG_RULES")
			type = "list of lint rules"
		else if (t == "CFG_DIALECT")
			type = "auto, sqlite or postgres"
		else if (t == "CFG_COLOR")
			type = "auto, always or never"
		else if (t == "CFG_KEEPTOOL")
			type = "none, golang-migrate or dbmate"
		else
			type = "type " t " is unknown to t0900-docs.sh"
		def = $4 == "NULL" ? "not set" : ".Li " substr($4, 2)
		printf "%s\t%s\t%s\t%s\tMSR_%s_%s\n", $1, $2, type, def,
		    toupper($1), toupper($2)
	}' | sort
}

# What msr.ini.5 says, in the same form.
man5_actual() {
	awk '
	function flush() {
		if (name != "")
			printf "%s\t%s\t%s\t%s\t%s\n", sec, name, type, def, env
		name = ""
	}
	/^\.Sh / { flush(); keys = ($0 == ".Sh KEYS"); next }
	!keys { next }
	/^\.Ss / {
		flush()
		sec = "?"
		if (match($0, /\[[a-z_]*\]/))
			sec = substr($0, RSTART + 1, RLENGTH - 2)
		next
	}
	/^\.It Cm / {
		flush()
		name = $3; type = "?"; def = "?"; env = "?"; want = ""
		next
	}
	/^\.It (Type|Default|Environment)$/ { want = $2; next }
	want == "Type" { type = $0 }
	want == "Default" { def = $0 }
	want == "Environment" { env = $1 == ".Ev" ? $2 : $0 }
	{ want = "" }
	END { flush() }' "$SRC/man/msr.ini.5" | sort
}

# contrib/msr.ini as it must be: section, name, default, the comment
# above, in table order.
contrib_expected() {
	table_keys | awk -F '\t' '{
		printf "%s\t%s\t%s\t; %s\n", $1, $2,
		    $4 == "NULL" ? "" : substr($4, 2), $7
	}'
}

contrib_actual() {
	awk '
	/^\[[a-z_]*\]$/ { sec = substr($0, 2, length($0) - 2) }
	/^;?[a-z_]+ =/ {
		line = $0
		sub(/^;/, "", line)
		name = line
		sub(/ =.*/, "", name)
		val = line
		sub(/^[a-z_]+ =[ ]?/, "", val)
		printf "%s\t%s\t%s\t%s\n", sec, name, val, prev
	}
	{ prev = $0 }' "$SRC/contrib/msr.ini"
}

# The commands[] table: name and alias, sorted.
commands_expected() {
	sed -n '/^static const struct cmd commands\[\] = {/,/^};/p' \
	    "$SRC/src/main.c" |
	awk -F '"' '/^[ \t]*\{ "/ {
		printf "%s\t%s\n", $2, $3 == ", " ? $4 : ""
	}' | sort
}

commands_actual() {
	awk '
	/^\.Sh / { cmds = ($0 == ".Sh COMMANDS"); next }
	cmds && /^\.It Cm / {
		name = $3
		alias = ""
		if ((getline nxt) > 0 && nxt ~ /^\.Pq alias: Cm /) {
			split(nxt, w, " ")
			alias = w[4]
		}
		printf "%s\t%s\n", name, alias
	}' "$SRC/man/msr.1" | sort
}

longopts_expected() {
	sed -n '/^static const struct option longopts\[\] = {/,/^};/{
		s/^[[:space:]]*{ "\([a-z-]*\)",.*/\1/p
	}' "$SRC/src/main.c" | sort -u
}

longopts_actual() {
	awk '{
		while (match($0, /Fl -[a-z][a-z-]*/)) {
			print substr($0, RSTART + 4, RLENGTH - 4)
			$0 = substr($0, RSTART + RLENGTH)
		}
	}' "$SRC/man/msr.1" | sort -u
}

exits_expected() {
	sed -n 's/^[[:space:]]*MSR_[A-Z]* = \([0-9][0-9]*\).*/\1/p' \
	    "$SRC/src/msr.h" | sort -n
}

exits_actual() {
	awk '
	/^\.Sh / { ex = ($0 == ".Sh EXIT STATUS"); next }
	ex && /^\.It [0-9]+$/ { print $2 }' "$SRC/man/msr.1" | sort -n
}

# Lint messages about our pages.  Whether sqlite3(1) and the other pages
# we refer to are installed depends on the machine, so "referenced manual
# not found" only counts for msr's own pages.
lint() {
	(cd "$SRC/man" && mandoc -Tlint msr.1 msr.ini.5) 2>&1 | awk '
	/referenced manual not found: Xr msr/ { print; next }
	/referenced manual not found/ { next }
	/^mandoc: msr/ { print }'
}

test_expect_success 'the table parser sees every key of config_keys[]' '
	sed_keys >sed.keys &&
	table_key_names >awk.keys &&
	test -s sed.keys &&
	test_cmp sed.keys awk.keys
'

test_expect_success 'msr.ini.5 documents exactly the keys of the table' '
	man5_expected >expect &&
	man5_actual >actual &&
	test -s expect &&
	test_cmp expect actual
'

test_expect_success 'contrib/msr.ini shows every key, its default and help' '
	contrib_expected >expect &&
	contrib_actual >actual &&
	test -s expect &&
	test_cmp expect actual
'

test_expect_success 'contrib/msr.ini with every default uncommented loads' '
	sed "s/^;\([a-z_]* = ..*\)$/\1/" "$SRC/contrib/msr.ini" >all.ini &&
	test_grep "^busy_timeout = " all.ini &&
	mkdir m &&
	msr -c all.ini -u sqlite:app.db -d m status
'

test_expect_success 'msr.1 documents exactly the commands and aliases' '
	commands_expected >expect &&
	commands_actual >actual &&
	test -s expect &&
	test_cmp expect actual
'

test_expect_success 'msr.1 documents exactly the long options' '
	longopts_expected >expect &&
	longopts_actual >actual &&
	test -s expect &&
	test_cmp expect actual
'

test_expect_success 'msr.1 documents exactly the exit codes under EXIT STATUS' '
	exits_expected >expect &&
	exits_actual >actual &&
	test -s expect &&
	test_cmp expect actual
'

test_expect_success 'mandoc -Tlint finds nothing in the man pages' '
	if ! command -v mandoc >/dev/null; then
		echo "mandoc is needed to check the man pages" >&2
		exit 1
	fi &&
	lint >lint.out &&
	test_must_be_empty lint.out
'

test_done
