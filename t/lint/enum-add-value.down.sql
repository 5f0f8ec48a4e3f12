-- PostgreSQL cannot remove a value from an enum: nothing to undo.
SELECT 1;
