"""The matter catalog (事项目录): Hunan's divisions and the matters read from ``data/``.

Pure reading and searching: no database, no Textual, no typer. ``load_catalog()`` returns the
shipped catalog; pass a folder (``COUNTERDESK_CATALOG``) to read another one.
"""

from counterdesk.catalog.catalog import Catalog
from counterdesk.catalog.loader import (
    clear_cache,
    hall_catalog,
    load_catalog,
    load_regions,
    lookup_catalog,
    shipped_data_dir,
)
from counterdesk.catalog.problems import CatalogError, Problem

__all__ = ["Catalog", "CatalogError", "Problem", "clear_cache", "hall_catalog", "load_catalog", "load_regions",
           "lookup_catalog", "shipped_data_dir"]
