"""The keepwarm runtime: settings, database, broker, actors, services, notifiers and CLI."""
