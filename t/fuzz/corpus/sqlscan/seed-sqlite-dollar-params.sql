SELECT $a, $1, :b, @c, ?1, ? FROM t;
SELECT $$;
