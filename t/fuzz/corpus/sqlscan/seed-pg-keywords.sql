cReAtE InDeX CoNcUrReNtLy i ON t (a);
Begin;
"BEGIN";
'COMMIT';
/* BEGIN */ COMMIT;
-- VACUUM
SELECT 1;
begin_date;
VACUUMS;
