"""The taxonomy's records: categories, their subcategories and the words callers use for them (synonyms).

Read from `data/taxonomies/*.toml` and validated by `calldesk.profile_files`, like the rest of the profile.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from calldesk.rules.profile_fields import Text, _Frozen


@dataclass(frozen=True, kw_only=True)
class Subcategory(_Frozen):
    """A subcategory name (categories list them as plain strings)."""

    name: Text


@dataclass(frozen=True, kw_only=True)
class Category(_Frozen):
    """A taxonomy category; flags change who handles it or whether it is reported."""

    name: Text
    name_es: str = ""  # the name Spanish-speaking visitors read on the web form ("": the name); the case keeps `name`
    subcategories: list[str] = field(default_factory=list)
    special_education: bool = False
    safety: bool = False
    reportable: bool = True
    route_to: str | None = None
    reason: str | None = None
    # Words callers use for it ("lunch", "school bus"): the topic finder finds the category by them too.
    synonyms: list[str] = field(default_factory=list)
    # The same for one subcategory: {"Report cards and transcripts": ["grades"]}.
    subcategory_synonyms: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.reportable and not self.route_to:
            raise ValueError("a category with reportable = false needs route_to (where it is sent)")
        unknown = [name for name in self.subcategory_synonyms if name not in self.subcategories]
        if unknown:
            raise ValueError(f"subcategory_synonyms names '{unknown[0]}', which is not one of its subcategories")
        if any(not word.strip() for words in [self.synonyms, *self.subcategory_synonyms.values()]
               for word in words):
            raise ValueError("a synonym is empty")
