"""The content admin (``/admin/content/``, namespace ``content``): editor home, library, columns,
item forms and review. Views collect input and call the content actions; they never write rows."""
