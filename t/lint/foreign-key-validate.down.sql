-- Nothing to undo: the constraint stays, validated.
SELECT 1;
