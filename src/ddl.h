/*
 * The tracking-table DDL of each driver, and the statements that add
 * the columns of 0.2 to tables made by 0.1, compiled in from sql/.  The
 * texts name the tables msr_migrations and msr_migrations_log; track.c
 * puts the configured, quoted names in their place.
 */
#ifndef MSR_DDL_H
#define MSR_DDL_H

extern const char ddl_sqlite[];
extern const char ddl_postgres[];
extern const char ddl_sqlite_upgrade_0_2[];
extern const char ddl_postgres_upgrade_0_2[];

#endif
