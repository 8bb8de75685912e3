"""One module per screen: status (1), trends (2), alerts (3), targets (4), plus help and errors."""
