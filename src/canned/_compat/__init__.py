"""responses compatibility: RequestsMock extras for requests, the default mock, deprecations."""
