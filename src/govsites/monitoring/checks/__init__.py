"""The checks of the national inspection indicators, one module per family (see ``catalogue``)."""
