"""Every marshmallow schema of the server, one module per resource; rules.py is the vocabulary."""
