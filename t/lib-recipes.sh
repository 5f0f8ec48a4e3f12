# lib-recipes.sh: the command lines that the documents print, for
# t0015-recipes.sh and t0016-recipes-pg.sh.
#
# Sourced after test-lib.sh.  recipes.py reads the command lines out of
# the documents themselves, every time, so that a test runs what a
# reader copies and not a copy of it:
#
#   README.md       fenced blocks: every line of a sh, shell or bash
#                   block; the "$ " lines of a console or unmarked block
#                   (the lines below one are its output); each script
#                   line of a yaml CI job
#   man/msr.1       the literal displays of EXAMPLES: the "$ " lines when
#                   a display has them; else the recipe lines of a
#                   Makefile, the msr command lines of YAML (see below)
#                   or, for any other display but an INI file, each line
#   contrib/        in every file (but debian/ and completion/), the
#                   command lines of the comment at its top ("#   " and
#                   a command, continuation lines joined);
#                   in YAML, the msr command line of each container or
#                   service ("msr" and its command: or args:, msr being
#                   the entry point of the images they name), each exec
#                   probe and healthcheck; the Dockerfile's ENTRYPOINT
#                   and CMD; the unit's ExecStart=; msr.mk's recipes
#
# Each line is "SOURCE KIND<TAB>TEXT", SOURCE a file and, for
# README.md, its section in parentheses ("(top)" above the first); a
# command of several lines (a here-document, a continued line) has them
# joined by the character \036.  Inline code in running text is not a
# command line here, nor is what contrib/debian and contrib/completion
# hold (scripts/package and t0910 check those).
#
# The table recipes.table below says, for each line, which test runs it,
# or why nothing can run it here.  A line that no entry matches fails
# t0015 as an unknown recipe line: a new command line in a document
# needs an entry, and a test that runs it, before it can be merged.

if ! python3 -c 'import yaml' 2>/dev/null; then
	test_require "python3's yaml module" "apt-get install python3-yaml"
fi

cat >"$TRASH/recipes.py" <<'EOF'
import json, os, re, shlex, sys
import yaml

S = os.environ["MSRTEST_SRCDIR"]
records = []          # (source, text)
outputs = {}          # text -> the output lines printed below it

def emit(source, text, output=None):
    records.append((source, text))
    if output is not None:
        outputs.setdefault(text, output)

def commands(source, lines, prompt=None):
    # Shell command lines: with prompt, only lines that start with it
    # (the lines up to the next one are its output); a line ending in a
    # backslash goes on on the next, a here-document up to its end.
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if prompt is not None:
            if not line.startswith(prompt):
                continue
            line = line[len(prompt):]
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        text = [s]
        while text[-1].endswith("\\") and i < len(lines):
            text.append(lines[i])
            i += 1
        m = re.search(r"<<-?\s*'?([A-Za-z_]+)'?", text[-1])
        if m:
            while i < len(lines):
                text.append(lines[i])
                i += 1
                if lines[i - 1] == m.group(1):
                    break
        out = None
        if prompt is not None:
            out = []
            while i < len(lines) and not lines[i].startswith(prompt):
                out.append(lines[i])
                i += 1
        emit(source, "\n".join(text), out)

def walk_yaml(source, node, parent=None):
    # The msr command line of each service or container: msr is the
    # entry point of their images, so command: (Compose) and args:
    # (Kubernetes) are its arguments.  Exec probes and healthchecks are
    # command lines of their own.
    if isinstance(node, dict):
        if "image" in node or "build" in node:
            argv = node.get("args", node.get("command"))
            if isinstance(argv, list):
                emit(source, shlex.join(["msr"] + [str(a) for a in argv]))
        hc = node.get("healthcheck")
        if isinstance(hc, dict) and isinstance(hc.get("test"), list) \
                and hc["test"][:1] == ["CMD"]:
            emit(source, shlex.join(hc["test"][1:]))
        ex = node.get("exec")
        if isinstance(ex, dict) and isinstance(ex.get("command"), list):
            emit(source, shlex.join(ex["command"]))
        for k, v in node.items():
            if k not in ("healthcheck", "exec"):
                walk_yaml(source, v, k)
    elif isinstance(node, list):
        for v in node:
            walk_yaml(source, v, parent)

def readme(name):
    # The source of a line names the section too: "README.md (Using
    # it) sh"; "(top)" before the first "## ".
    lang = None
    block = []
    section = "top"
    for line in open(os.path.join(S, name)).read().split("\n"):
        if lang is None:
            if line.startswith("## "):
                section = line[3:].strip()
            if line.startswith("```"):
                lang, block = line[3:].strip(), []
            continue
        if not line.startswith("```"):
            block.append(line)
            continue
        src = "%s (%s) " % (name, section)
        if lang in ("sh", "shell", "bash"):
            commands(src + "sh", block)
        elif lang in ("console", ""):
            commands(src + "console", block, "$ ")
        elif lang in ("yaml", "yml"):
            for job in (yaml.safe_load("\n".join(block)) or {}).values():
                for s in job.get("script", []):
                    emit(src + "yaml", s)
        lang = None

def mdoc(name):
    on, block, inb = False, [], False
    for raw in open(os.path.join(S, name)).read().split("\n"):
        if raw.startswith(".Sh "):
            on = raw == ".Sh EXAMPLES"
            continue
        if not on:
            continue
        line = raw.replace("\\e", "\\").replace("\\&", "")
        if raw.startswith(".Dl "):
            commands(name + " lines", [line[4:]])
        elif raw.startswith(".Bd -literal"):
            inb, block = True, []
        elif raw == ".Ed" and inb:
            inb = False
            display(name, block)
        elif inb:
            block.append(line)

def display(name, block):
    if any(l.startswith("$ ") for l in block):
        commands(name + " console", block, "$ ")
    elif any(l.startswith("\t") for l in block):
        commands(name + " make", [l[1:] for l in block if l.startswith("\t")])
    elif block and re.match(r"^\[[a-z]+\]$", block[0]):
        pass
    elif block and re.match(r"^[A-Za-z][A-Za-z0-9_-]*:$", block[0]):
        walk_yaml(name + " yaml", yaml.safe_load("\n".join(block)))
    else:
        commands(name + " lines", block)

def header(name):
    # The comment lines "#   TEXT" of the comment at the top of a file,
    # continuation lines ("#       ...") joined.
    lines = []
    for line in open(os.path.join(S, name)).read().split("\n"):
        if not line.startswith("#"):
            break
        lines.append(line[1:])
    cmds = [l for l in lines]
    i = 0
    out = []
    while i < len(cmds):
        l = cmds[i]
        i += 1
        if not re.match(r"^   \S", l):
            continue
        text = [l[3:]]
        while text[-1].endswith("\\") and i < len(cmds):
            text.append(cmds[i])
            i += 1
        out.append("\n".join(text))
    return out

def contrib():
    # Every file of contrib/ but the Debian packaging and the
    # completions, so that a new file's command lines are found too.
    files = []
    for d, dirs, names in os.walk(os.path.join(S, "contrib")):
        dirs[:] = sorted(x for x in dirs if x not in ("debian", "completion"))
        files += sorted(os.path.relpath(os.path.join(d, n), S) for n in names)
    for name in files:
        path = os.path.join(S, name)
        for text in header(name):
            if name.endswith(".mk") and text.startswith("make "):
                # A table: the command, then what it does.
                text = re.split(r"\s{2,}", text)[0]
            emit(name + " header", text)
        if name.endswith((".yml", ".yaml")):
            for doc in yaml.safe_load_all(open(path)):
                walk_yaml(name + " yaml", doc)
        elif os.path.basename(name) == "Dockerfile":
            entry, cmd = [], []
            for line in open(path):
                if line.startswith("FROM "):
                    entry, cmd = [], []
                elif line.startswith("ENTRYPOINT "):
                    entry = json.loads(line[11:])
                elif line.startswith("CMD "):
                    cmd = json.loads(line[4:])
            emit(name + " image", shlex.join(entry + cmd))
        elif name.endswith((".service", ".service.in")):
            for line in open(path):
                if line.startswith("ExecStart="):
                    emit(name + " unit", line[10:].strip())
        elif name.endswith(".mk"):
            for line in open(path):
                if line.startswith("\t"):
                    emit(name + " make", line.strip())

readme("README.md")
mdoc("man/msr.1")
contrib()

def table(path):
    rows = []
    for line in open(path):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        src, pat, who = line.split("\t")
        rows.append((re.compile(src), re.compile(pat), who))
    return rows

def classify(path):
    rows = table(path)
    for src, text in records:
        who = "unknown"
        for s, p, w in rows:
            if s.match(src) and p.match(text):
                who = w
                break
        yield who, src, text

enc = lambda t: t.replace("\n", "\036")
what = sys.argv[1]
if what == "list":
    for src, text in records:
        print("%s\t%s" % (src, enc(text)))
elif what == "classify":
    for who, src, text in classify(sys.argv[2]):
        print("%s\t%s\t%s" % (who, src, enc(text)))
elif what == "dump":
    # Once for a test script: "list", "classify" and the outputs into
    # the files DIR/recipes.{list,classified,outputs}.
    d = sys.argv[3]
    with open(d + "/recipes.list.tmp", "w") as f:
        for src, text in records:
            f.write("%s\t%s\n" % (src, enc(text)))
    with open(d + "/recipes.classified.tmp", "w") as f:
        for who, src, text in classify(sys.argv[2]):
            f.write("%s\t%s\t%s\n" % (who, src, enc(text)))
    with open(d + "/recipes.outputs.tmp", "w") as f:
        for text, out in outputs.items():
            f.write("%s\t%s\n" % (enc(text), enc("\n".join(out).rstrip("\n"))))
    for n in ("list", "outputs", "classified"):
        os.rename(d + "/recipes.%s.tmp" % n, d + "/recipes." + n)
EOF

# recipes_table: SOURCE, PATTERN and WHO, tab-separated; SOURCE and
# PATTERN are Python regular expressions matched at the start of a
# line's source and text, and the first entry that matches both wins.
# WHO is either "tNNNN DESCRIPTION": the test of t/tNNNN-*.sh whose
# description holds DESCRIPTION runs the line as printed, or the msr
# command line behind it; or "no: REASON": nothing can run it here.
# Tests of this script and t0016 take their lines with recipe_lines WHO.
cat >"$TRASH/recipes.table" <<'EOF'
# --- README.md
README\.md \(top\) sh	sh scripts/deps && autoreconf -fi && \./configure && make && \(cd examples/sqlite && \.\./\.\./src/msr migrate && \.\./\.\./src/msr status\)$	t0010 the example part of the first command works
README\.md \(top\) sh	sh scripts/check$	no: the whole suite, this test among it; CI runs it as printed (t0010 checks .ci/run)
README\.md \(Using it\) sh	msr -u sqlite:	t0015 README.md, Using it: the SQLite lines
README\.md \(Using it\) sh	msr -u postgres://	t0016 README.md, Using it: the PostgreSQL line
README\.md \(Least privilege\) sh	psql -d app -c 'SET search_path = msr' -f /usr/share/msr/postgres-upgrade-0\.2\.sql$	t0930 after the superuser runs the upgrade file as the README says
README\.md \(Building\) sh	autoreconf -fi && \./configure && make && make check && sudo make install$	no: sudo make install installs as root; the build is the one under test, and t0290 runs make install into a DESTDIR
README\.md \(Switching to msr\) sh	msr -u sqlite:app\.db adopt 	t0015 README.md, Switching to msr: adopt after dbmate
README\.md \(Reviewing migrations: msr lint\) console	msr -d db/migrations lint$	t0015 README.md: the lint example prints what it shows
README\.md \(Reviewing migrations: msr lint\) yaml	.	t0010 lint job:
# --- man/msr.1, EXAMPLES
man/msr\.1 console	msr (migrate|migrate --dry-run|down --steps 1|down 3)$	t0015 msr.1: migrate, dry run and down on the bundled example
man/msr\.1 console	msr -d db/migrations (convert dbmate db/dbmate|migrate --dry-run)$	t0015 msr.1: switching from dbmate
man/msr\.1 console	psql -v ON_ERROR_STOP=1 -U postgres -d app <<'EOF'\n	t0016 msr.1: the least-privilege psql command
man/msr\.1 console	MSR_LOCK_METHOD=table msr -u postgres://	t0016 msr.1: the PgBouncer line
man/msr\.1 lines	msr validate$|msr -u "sqlite:\$DB" check$	t0015 msr.1: the CI job
man/msr\.1 lines	msr -q version --expect-at-least	t0015 msr.1: the readiness probe
man/msr\.1 make	msr	t0015 msr.1: the Makefile targets
man/msr\.1 yaml	msr	t0910 msr.1: the inline Compose and init container examples say what the contrib files say
(man/msr\.1|contrib/docker-compose\.yml) yaml	pg_isready 	t0016 docker-compose.yml: the healthcheck of db
# --- contrib/
contrib/docker-compose\.yml header	(cd contrib|printf %s '[^']*' >[a-z_]*\.txt|mkdir -p db/migrations)$	t0910 its header, run from the top of the tree
contrib/docker-compose\.yml header	docker compose up$	no: needs a docker daemon; its msr line is the migrate service's, below
contrib/docker-compose\.yml yaml	msr migrate --wait 60$	t0910 docker-compose.yml: the init SQL of db, then the migrate service
contrib/Dockerfile header	docker build 	no: needs a docker daemon; t0910 checks the stages piece by piece
contrib/Dockerfile header	docker run 	t0016 contrib/Dockerfile: the msr line of its docker run
contrib/Dockerfile header	(FROM|COPY) 	no: Dockerfile lines of an application's image, for docker build
contrib/Dockerfile image	msr --help$	t0910 Dockerfile: two stages on Debian
contrib/k8s/[a-z-]*\.yaml header	kubectl 	no: needs a Kubernetes cluster; the msr lines of the Job and the Deployment run instead
contrib/k8s/migrate-job\.yaml yaml	msr migrate 	t0910 k8s: the Job
contrib/k8s/init-container\.yaml yaml	msr (wait|migrate) 	t0910 k8s: the init containers wait for the database, then migrate it
contrib/k8s/init-container\.yaml yaml	msr -q version --expect-at-least 	t0910 k8s: the readiness probe
contrib/systemd/msr-migrate\.service\.in header	(Requires|After)=msr-migrate\.service$	no: lines of the application's unit, for systemd
contrib/systemd/msr-migrate\.service\.in header	sudo CREDENTIALS_DIRECTORY=	t0910 systemd: the shell line of the unit
contrib/systemd/msr-migrate\.service\.in unit	@bindir@/msr 	t0910 systemd: the arguments of ExecStart
contrib/msr\.mk header	(MSR_FLAGS = |include msr\.mk$|make db-)	t0015 contrib/msr.mk: the lines of its header
contrib/msr\.mk header	[A-Z_, ]+ {2,}\S	no: the variables that msr.mk reads, described: not command lines
contrib/msr\.mk make	\$\(MSR\) \$\(MSR_FLAGS\) 	t0910 msr.mk: TO= for db-migrate and db-rollback
contrib/msr\.mk make	\$\(if \$\(NAME\),,\$\(error 	t0910 msr.mk: db-new without NAME fails
EOF

# recipes_dump_: reads the documents, once for a script.
recipes_dump_() {
	test -f "$TRASH/recipes.classified" ||
	python3 "$TRASH/recipes.py" dump "$TRASH/recipes.table" "$TRASH"
}

# recipes_list: every command line, "SOURCE KIND<TAB>TEXT".
recipes_list() {
	recipes_dump_ && cat "$TRASH/recipes.list"
}

# recipes_classified: "WHO<TAB>SOURCE KIND<TAB>TEXT" for every line, WHO
# "unknown" when no entry of the table matches it.
recipes_classified() {
	recipes_dump_ && cat "$TRASH/recipes.classified"
}

# recipe_lines WHO: the lines of WHO, in the order of the documents,
# one a line; fails when there is none.
recipe_lines() {
	recipes_dump_ &&
	W=$1 awk -F '\t' '$1 == ENVIRON["W"] { print $3; n++ }
	    END { if (!n) print "no line for " ENVIRON["W"] >"/dev/stderr"
		exit !n }' "$TRASH/recipes.classified"
}

# recipe_output TEXT: the output printed below the console line TEXT.
recipe_output() {
	recipes_dump_ &&
	T=$1 awk -F '\t' '$1 == ENVIRON["T"] { print $2; n++; exit }
	    END { if (!n) print "no output printed for " ENVIRON["T"] >"/dev/stderr"
		exit !n }' "$TRASH/recipes.outputs" | tr '\036' '\n'
}

# recipe_count N FILE: FILE, the lines of recipe_lines, has N of them;
# it shows them when not.
recipe_count() {
	if [ "$(wc -l <"$2")" -ne "$1" ]; then
		echo "expected $1 command lines, found:" >&2
		tr '\036' '\n' <"$2" >&2
		return 1
	fi
}

# run_printed LINE CODE FILE PATTERN: runs LINE with eval, its output in
# out and err, and checks that it exits with CODE and that FILE (out or
# err) holds PATTERN, if one is given.
run_printed() {
	printf '$ %s\n' "$1" | tr '\036' '\n' >&2
	(eval "$1") >out 2>err
	rp_rc=$?
	if [ "$rp_rc" -ne "$2" ]; then
		echo "the line exited with $rp_rc, not $2; its output:" >&2
		cat out err >&2
		return 1
	fi
	test -z "$4" || test_grep "$4" "$3"
}

# recipe_script TEXT: TEXT as a shell script, its lines split again.
recipe_script() {
	printf '%s\n' "$1" | tr '\036' '\n'
}
