/*
 * The tracking-table DDL of each driver, compiled in from sql/.  The
 * texts name the tables msr_migrations and msr_migrations_log; track.c
 * puts the configured, quoted names in their place.
 */
#ifndef MSR_DDL_H
#define MSR_DDL_H

extern const char ddl_sqlite[];
extern const char ddl_postgres[];

#endif
