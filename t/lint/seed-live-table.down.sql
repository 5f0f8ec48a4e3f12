DELETE FROM plans WHERE code IN ('pro', 'team');
