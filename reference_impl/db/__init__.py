"""The database: ORM tables, column types, the engine and the migrations runner."""
