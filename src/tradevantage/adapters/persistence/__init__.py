"""SQLAlchemy persistence: models, repositories, unit of work and migrations."""
