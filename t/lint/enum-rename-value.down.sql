ALTER TYPE order_status RENAME VALUE 'dispatched' TO 'shipped';
