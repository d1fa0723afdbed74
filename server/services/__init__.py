"""Domain services: what the views call between loading and dumping."""
