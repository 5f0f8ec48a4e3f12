DELETE FROM products WHERE sku IN ('A-1', 'B-2');
