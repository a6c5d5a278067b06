"""What is wrong with a catalog file: each problem names the file and the field at fault."""

from __future__ import annotations

from typing import NamedTuple

from counterdesk.domain.errors import InvalidInput


class Problem(NamedTuple):
    """One mistake in one catalog file."""

    file: str
    """The file, relative to the catalog folder (``matters/policy-jiuye-kunnan.toml``)."""
    field: str
    """The field at fault (``questions[bank].when``), empty for the file as a whole."""
    message: str
    """What is wrong, in Simplified Chinese."""

    def __str__(self) -> str:
        return f"{self.file}:{self.field}: {self.message}" if self.field else f"{self.file}: {self.message}"


class CatalogError(InvalidInput):
    """The catalog cannot be loaded; ``problems`` lists every mistake found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        """Every problem found, in file order."""
        first = self.problems[0] if self.problems else "未知错误"
        super().__init__(f"事项目录有 {len(self.problems)} 处错误（运行 counterdesk catalog check 查看全部），"
                         f"第一处：{first}", code="catalog_invalid")
