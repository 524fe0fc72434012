"""responses compatibility: `RequestsMock`'s requests-only extras, the default mock, deprecations."""
