"""``python -m bot check``: validate the knowledge and warn about what would confuse users.

Errors (exit 1) make the knowledge unusable; warnings point at phrasings that two entries
share, or that the engine would route to another entry than the one they belong to.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TextIO

from bot.config import Config
from bot.engine import Engine
from bot.engine.reply import ReplyKind
from bot.knowledge import Knowledge, KnowledgeError, load_knowledge


def phrasing_warnings(knowledge: Knowledge, engine: Engine) -> list[str]:
    warnings: list[str] = []
    owners: dict[tuple[str, ...], str] = {}
    for entry in knowledge.faq.values():
        for phrasing in knowledge.phrasings(entry.id):
            key = tuple(sorted(set(engine.normaliser(phrasing))))
            other = owners.setdefault(key, entry.id)
            if other != entry.id:
                warnings.append(
                    f"{entry.file}: entrée « {entry.id} » : la formulation « {phrasing} » "
                    f"équivaut à une formulation de « {other} »"
                )
                continue
            reply = engine.reply(phrasing)
            if reply.kind is ReplyKind.ANSWER and reply.entry_id != entry.id:
                warnings.append(
                    f"{entry.file}: entrée « {entry.id} » : la formulation « {phrasing} » "
                    f"obtient la réponse « {reply.entry_id} »"
                )
    return warnings


def stale_entries(knowledge: Knowledge, months: int, today: date | None = None) -> list[str]:
    today = today or date.today()
    limit = (today.year * 12 + today.month - 1) - months
    out = []
    items = [(e.id, e.checked_on, e.file) for e in knowledge.faq.values()] + [
        (p.id, p.checked_on, "knowledge/places.yaml") for p in knowledge.places.values()
    ]
    for item_id, checked_on, file in items:
        year, month = (int(x) for x in checked_on.split("-")[:2])
        if year * 12 + month - 1 < limit:
            out.append(f"{file}: « {item_id} » vérifiée le {checked_on}")
    return out


def run_check(path: str | Path | None, config: Config, stale: int | None, out: TextIO) -> int:
    try:
        knowledge = load_knowledge(path)
    except KnowledgeError as exc:
        for problem in exc.problems:
            out.write(f"ERREUR {problem}\n")
        out.write(f"{len(exc.problems)} erreur(s) : les connaissances ne sont pas utilisables.\n")
        return 1
    engine = Engine(knowledge, staff_contact=config.contact)
    warnings = phrasing_warnings(knowledge, engine)
    if engine.calibrator.fingerprint != engine.fingerprint():
        warnings.append(
            "le modèle de confiance a été appris avant les dernières modifications des "
            "formulations : lancez « python -m bot train » (les réponses restent possibles, "
            "mais les seuils ne sont plus mesurés sur ces connaissances)"
        )
    for warning in warnings:
        out.write(f"AVERTISSEMENT {warning}\n")
    if stale is not None:
        old = stale_entries(knowledge, stale)
        for line in old:
            out.write(f"À REVÉRIFIER {line}\n")
        out.write(f"{len(old)} fiche(s) non vérifiée(s) depuis {stale} mois.\n")
    phrasings = sum(len(knowledge.phrasings(i)) for i in knowledge.faq)
    out.write(
        f"OK : {len(knowledge.faq)} entrées de FAQ ({phrasings} formulations), "
        f"{len(knowledge.places)} lieux, {len(knowledge.contacts)} contacts, "
        f"{len(warnings)} avertissement(s).\n"
    )
    return 0
