# bash completion for msr(1).  Installed as
# $(datadir)/bash-completion/completions/msr, where bash-completion
# loads it on demand; or source it from ~/.bashrc.  Needs nothing but
# bash itself.
#
# The lists follow the commands[] and longopts[] tables of src/main.c;
# t/t0910-contrib.sh checks that they agree.

_msr_commands='migrate up down rollback redo status list version check
validate lint baseline adopt repair log lock wait new convert help'
_msr_global_opts='-c --config --config-file -u --url -d --dir --table
--json --color -q --quiet -v --verbose --no-lock --lock-timeout
--transaction --wait -h --help -V --version'

# _msr_command_opts COMMAND: the options of COMMAND alone.
_msr_command_opts()
{
	case $1 in
	migrate|up) echo --to --dry-run --out-of-order ;;
	down|rollback) echo --steps --all --dry-run --yes ;;
	redo|baseline|convert) echo --dry-run ;;
	adopt) echo --from-table --from-schema --dry-run ;;
	repair) echo --forget --force --dry-run ;;
	version) echo --expect --expect-at-least ;;
	log) echo --limit --since --version ;;
	lock) echo --force ;;
	wait) echo --timeout ;;
	esac
}

# _msr_takes_value OPTION: true when OPTION is followed by its value.
_msr_takes_value()
{
	case $1 in
	-c|--config|--config-file|-u|--url|-d|--dir|--table|\
	--color|--lock-timeout|--transaction|--wait|--to|--steps|--expect|\
	--timeout|--forget|--expect-at-least|--from-table|--from-schema|\
	--limit|--since)
		return 0 ;;
	esac
	return 1
}

_msr()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev= i w cmd= nargs=0

	# bash splits "--opt=value" at the "=" (COMP_WORDBREAKS): put the
	# option back in prev, whether the cursor is on the "=" or after it.
	if ((COMP_CWORD > 0)); then
		prev=${COMP_WORDS[COMP_CWORD-1]}
	fi
	if [[ $cur == = ]]; then
		cur=
	elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
		prev=${COMP_WORDS[COMP_CWORD-2]}
	fi

	# The command word: the first word that is neither an option nor an
	# option's value, as getopt_long sees them (options may follow it).
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [[ $w == -- ]]; then
			break
		elif [[ $w == -* ]]; then
			if [[ ${COMP_WORDS[i+1]} == = ]]; then
				((i += 2))
			elif _msr_takes_value "$w"; then
				((i++))
			fi
		elif [[ -z $cmd ]]; then
			cmd=$w
		else
			((nargs++))
		fi
	done

	case $prev in
	-c|--config|--config-file)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	-d|--dir)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -- "$cur"))
		return ;;
	--transaction)
		COMPREPLY=($(compgen -W 'per-migration per-batch none' -- "$cur"))
		return ;;
	--color)
		COMPREPLY=($(compgen -W 'auto always never' -- "$cur"))
		return ;;
	esac
	if _msr_takes_value "$prev"; then
		COMPREPLY=()
		return
	fi

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$_msr_global_opts \
		    $(_msr_command_opts "$cmd")" -- "$cur"))
		return
	fi
	if [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W "$_msr_commands" -- "$cur"))
		return
	fi
	COMPREPLY=()
	if [[ $cmd == lint ]]; then
		# Migration files, any number of them.
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -X '!*.sql' -- "$cur") \
		    $(compgen -d -- "$cur"))
		return
	fi
	if [[ $cmd == convert ]] && ((nargs == 1)); then
		# The directory of the other tool's migrations.
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -- "$cur"))
		return
	fi
	((nargs == 0)) || return
	case $cmd in
	convert)
		COMPREPLY=($(compgen -W 'dbmate goose flyway sql-migrate' \
		    -- "$cur")) ;;
	lock)
		COMPREPLY=($(compgen -W 'status release' -- "$cur")) ;;
	adopt)
		COMPREPLY=($(compgen -W 'golang-migrate dbmate goose flyway
		    sql-migrate' -- "$cur")) ;;
	help)
		COMPREPLY=($(compgen -W "$_msr_commands" -- "$cur")) ;;
	esac
}

complete -F _msr msr
