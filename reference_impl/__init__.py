"""The reference implementation of the Users and Items API: a FastAPI service that fulfils
`spec/openapi.yaml` exactly. Build it with `reference_impl.app.create_app(settings)`."""
