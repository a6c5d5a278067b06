"""The inner layers never import the user interface libraries (DESIGN.md, "Shape").

Imports run in a fresh interpreter: in this process pytest plugins may already have loaded
Textual, which would hide a violation.
"""

import json
import subprocess
import sys

INNER_PACKAGES = ["counterdesk.domain", "counterdesk.catalog", "counterdesk.store", "counterdesk.services",
                  "counterdesk.documents"]  # fmt: skip
UI_LIBRARIES = ["textual", "typer"]

# Alembic's env.py and revision scripts run migrations when imported, so they are not walked.
_SCRIPT = """
import importlib, json, pkgutil, sys

imported = []
for name in sys.argv[1:]:
    package = importlib.import_module(name)
    imported.append(name)
    for info in pkgutil.walk_packages(package.__path__, prefix=name + "."):
        if ".migrations" not in info.name:
            importlib.import_module(info.name)
            imported.append(info.name)
top_level = {module.split(".")[0] for module in sys.modules}
print(json.dumps({"imported": imported, "ui": sorted(top_level & {"textual", "typer"})}))
"""


def _import_in_fresh_interpreter() -> dict:
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT, *INNER_PACKAGES], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_domain_catalog_store_services_and_documents_never_import_textual_or_typer():
    report = _import_in_fresh_interpreter()
    assert set(INNER_PACKAGES) <= set(report["imported"])
    assert "counterdesk.domain.idnumbers" in report["imported"]
    assert report["ui"] == [], f"{report['ui']} imported by an inner layer"
