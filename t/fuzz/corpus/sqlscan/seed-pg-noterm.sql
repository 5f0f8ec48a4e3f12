SELECT 1;
	select 2  