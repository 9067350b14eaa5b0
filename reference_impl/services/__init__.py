"""Business rules: each service is one unit of work over repositories, and raises
`reference_impl.errors` instead of HTTP errors."""
