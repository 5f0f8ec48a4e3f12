# msr.mk: database targets for a project's GNU Makefile.
#
#   MSR_FLAGS = -c db/msr.ini
#   include msr.mk
#
#   make db-migrate                apply what is pending
#   make db-migrate TO=0042        apply up to version 42
#   make db-rollback               roll back the latest migration
#   make db-rollback STEPS=3       roll back the 3 latest
#   make db-rollback TO=0040       roll back every one above version 40
#   make db-status                 every migration and its state
#   make db-new NAME=add_users     create VERSION_add_users.up.sql and
#                                  .down.sql
#
# Variables, from the Makefile, the command line or the environment:
#   MSR        the program, msr unless set
#   MSR_FLAGS  options before the command: -c FILE, -u URL, -d DIR, ...
#   NAME, TO, STEPS   as above; a NAME that the project's Makefile
#              already sets for its own use must be given on the command
#              line.

MSR ?= msr
MSR_FLAGS ?=
# Not passed on to msr, which warns of an MSR_* variable that is no key.
unexport MSR_FLAGS
STEPS ?= 1

.PHONY: db-migrate db-rollback db-status db-new

db-migrate:
	$(MSR) $(MSR_FLAGS) migrate $(if $(TO),--to '$(TO)')

# TO wins over STEPS: a version says exactly where to stop.
db-rollback:
	$(MSR) $(MSR_FLAGS) down $(if $(TO),'$(TO)',--steps '$(STEPS)')

db-status:
	$(MSR) $(MSR_FLAGS) status

# No commas in the message: it is an argument of $(if).
db-new:
	$(if $(NAME),,$(error db-new needs a name: make db-new NAME=add_users))
	$(MSR) $(MSR_FLAGS) new '$(NAME)'
