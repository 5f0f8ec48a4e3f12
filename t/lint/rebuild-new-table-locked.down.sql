DROP TABLE IF EXISTS events_compact;
