"""A tiny, valid knowledge folder written to a temporary directory, for loader tests."""

from __future__ import annotations

from pathlib import Path

FAQ = """\
# Notions
- id: definition-tiers-lieu
  theme: notions
  questions:
    - Qu'est-ce qu'un tiers-lieu ?
    - définition tiers-lieu
  answer: Un tiers-lieu est un lieu de travail partagé, ni le domicile ni le bureau.
  sources:
    - title: Cahier n°12, p. 52–53
      url: https://eak.hauts-de-seine.fr/cahiers/cahier12/files/assets/basic-html/page27.html
  facts_date: "2014-12"
  checked_on: "2026-11-25"
  related: [definition-fablab]
  contact: departement-92
- id: definition-fablab
  theme: notions
  questions:
    - Qu'est-ce qu'un fab lab ?
  answer: Un fab lab est un atelier de fabrication partagé.
  sources: [{title: Makertour}]
  facts_date: "2017"
  checked_on: "2026-11-25"
"""

FILES = {
    "themes.yaml": "notions: Comprendre les tiers-lieux\n",
    "faq/notions.yaml": FAQ,
    "places.yaml": """\
- id: casaco
  name: Casaco
  commune: Malakoff
  type: coworking
  status: ouvert
  sources: [{title: Avise}]
  facts_date: "2014-12"
  checked_on: "2026-11-25"
""",
    "contacts.yaml": """\
- id: departement-92
  name: Département des Hauts-de-Seine
  website: https://www.hauts-de-seine.fr
  sources: [{title: Site du Département}]
""",
    "communes.yaml": """\
communes:
  - {name: Malakoff, lat: 48.82, lon: 2.30}
  - {name: Nanterre, lat: 48.89, lon: 2.20}
areas:
  - {name: La Défense, communes: [Nanterre], lat: 48.89, lon: 2.24}
""",
    "synonyms.yaml": "terms:\n  fablab: [fab lab]\nsms:\n  koi: quoi\n",
    "smalltalk.yaml": "greeting:\n  patterns: [bonjour]\n  replies: [Bonjour !]\n",
}


def write_knowledge(root: Path, **overrides: str) -> Path:
    """Write the mini knowledge under ``root``; ``overrides`` replace files by name."""
    files = {**FILES, **{k.replace("__", "/").replace("_yaml", ".yaml"): v for k, v in overrides.items()}}
    for name, text in files.items():
        path = root / "knowledge" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "knowledge"
