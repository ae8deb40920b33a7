"""Participants: the one shorthand of the sources beyond plain JSON-LD.

Sources list a project's lead and partners together, each list with the page that names
them: ``participants`` groups, each ``{source, lead, partners}``, become ``lead`` and
``partner`` links plus one ``prov:Attribution`` per organisation and role, which keeps
every source that names it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..errors import InputError

if TYPE_CHECKING:
    from .origins import Where

ROLES = {"lead": "concept/role/lead", "partners": "concept/role/partner"}
FROM_PARTICIPANTS = ("lead", "partner", "qualifiedAttribution")  # the keys they become


def expand_participants(record: dict, where: Where) -> dict:
    """``participants`` groups as ``lead``/``partner`` links and qualified attributions.

    >>> r = expand_participants({"id": "project/x", "participants": [
    ...     {"source": "https://a", "lead": "organisation/o", "partners": ["organisation/p"]},
    ...     {"source": "https://b", "partners": ["organisation/p"]}]}, None)
    >>> r["lead"], r["partner"]
    (['organisation/o'], ['organisation/p'])
    >>> [(a["agent"], a["source"]) for a in r["qualifiedAttribution"]]
    [('organisation/o', ['https://a']), ('organisation/p', ['https://a', 'https://b'])]
    """
    written = [key for key in FROM_PARTICIPANTS if key in record]
    if written:  # it would have no source, or be replaced by the one participants make
        raise InputError(
            where(written[0]),
            f"{written[0]} is made from participants: write the lead and the partners there, "
            "each group with the page that names them (participants: - source: https://..., "
            "lead: organisation/..., partners: [organisation/...])",
            fi=f"{written[0]} muodostetaan kohdasta participants: kirjoita päätoteuttaja ja "
            "osatoteuttajat sinne, kukin ryhmä sen sivun kanssa, joka ne nimeää "
            "(participants: - source: https://..., lead: organisation/..., "
            "partners: [organisation/...])",
        )
    if "participants" not in record:
        return record
    groups = record["participants"]
    record = {k: v for k, v in record.items() if k != "participants"}
    attributions: dict[tuple[str, str], list[str]] = {}
    for group in groups if isinstance(groups, list) else [groups]:
        if (
            not isinstance(group, dict)
            or "source" not in group
            or set(group) - {"source", "lead", "partners"}
        ):
            raise InputError(
                where("participants"),
                "participants: each entry needs 'source' and may list "
                "'lead' and 'partners', nothing else",
                fi="participants: jokaisessa kohdassa on oltava 'source', ja siinä voi olla "
                "'lead' ja 'partners', ei muuta",
            )
        for role in ("lead", "partners"):
            agents = group.get(role, [])
            for agent in agents if isinstance(agents, list) else [agents]:
                attributions.setdefault((role, agent), []).append(group["source"])
    record["lead"] = _unique(a for (role, a) in attributions if role == "lead")
    record["partner"] = _unique(a for (role, a) in attributions if role == "partners")
    record["qualifiedAttribution"] = [
        {"type": "Attribution", "agent": agent, "hadRole": ROLES[role], "source": found_in}
        for (role, agent), found_in in attributions.items()
    ]
    return record


def _unique(items: Iterator[str]) -> list[str]:
    return list(dict.fromkeys(items))
