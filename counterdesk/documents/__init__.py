"""Documents: the scanner inbox, the attachment store, the PDFs the counter hands out, mail and print.

Everything here takes plain values (paths, bytes, dataclasses) and knows nothing of the database;
services build the inputs from the store and the catalog.
"""

import logging

# pypdf reports recoverable oddities of scanned PDFs as log warnings; without a handler Python
# would print them on stderr, in the middle of the TUI or a CLI's one-line error.
logging.getLogger("pypdf").addHandler(logging.NullHandler())
