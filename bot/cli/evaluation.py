"""Score an evaluation set exactly as ``shared/eval/score.py`` does.

The reference scorer is the contract; this module re-implements it (rather than importing a
file outside the package) and a test checks that both agree on the same replies.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any


def fold(text: str | None) -> str:
    text = unicodedata.normalize("NFKD", (text or "").lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    for c in "-'’":
        text = text.replace(c, " ")
    return " ".join(text.split())


@dataclass
class EvalResult:
    decision_accuracy: float
    wrong_answer_rate: float
    in_scope_top1: str
    in_scope_top3: str
    out_of_scope_abstained: str
    smalltalk: str
    places: str
    places_accuracy: float
    misses: list[dict[str, Any]] = field(default_factory=list)
    # Not in score.py, a diagnostic: how often the expected entry is the first candidate (or the
    # answer given), and the decision accuracy a perfect decision would reach with this ranking
    # (every right first candidate answered, every out-of-scope message declined): what no
    # threshold or confidence model can exceed.
    first_candidate: str = ""
    ranking_ceiling: float = 0.0

    def lines(self) -> list[str]:
        return [
            f"decision_accuracy: {self.decision_accuracy:.3f}",
            f"wrong_answer_rate: {self.wrong_answer_rate:.3f}",
            f"in_scope_top1: {self.in_scope_top1}",
            f"in_scope_top3: {self.in_scope_top3}",
            f"out_of_scope_abstained: {self.out_of_scope_abstained}",
            f"smalltalk: {self.smalltalk}",
            f"places: {self.places}",
            f"misses: {len(self.misses)}",
            f"first_candidate: {self.first_candidate}  (diagnostic)",
            f"ranking_ceiling: {self.ranking_ceiling:.3f}  (diagnostic)",
        ]


def score(items: list[dict], replies: list[dict], directory: list[dict] | None = None) -> EvalResult:
    """Items ``{q, expect}`` against ``ask --json`` replies (and the exported places)."""
    if len(items) != len(replies):
        raise ValueError(f"{len(items)} questions mais {len(replies)} réponses")
    n = {"id": 0, "none": 0, "smalltalk": 0, "places": 0}
    right = dict.fromkeys(n, 0)
    wrong = top3 = first = 0
    misses: list[dict[str, Any]] = []
    for item, reply in zip(items, replies, strict=True):
        expect, kind = item["expect"], reply.get("kind")
        if isinstance(expect, dict):
            group = "places"
            wanted = fold(expect["commune"])
            places = reply.get("places") or []

            def located(place: dict, wanted: str = wanted) -> bool:
                return wanted in (fold(place.get("commune", "")), fold(place.get("area") or ""))

            ok = kind == "places" and fold(reply.get("commune") or "") == wanted
            if ok and directory is not None and any(located(p) for p in directory):
                ok = bool(places) and located(places[0])
            elif ok and not places:
                ok = wanted in fold(reply.get("text", ""))
        elif expect == "smalltalk":
            group, ok = "smalltalk", kind == "smalltalk"
        elif expect == "none":
            group, ok = "none", kind != "answer"
            wrong += kind == "answer"
        else:
            group = "id"
            ok = kind == "answer" and reply.get("id") == expect
            wrong += kind == "answer" and reply.get("id") != expect
            ranked = [c.get("id") for c in (reply.get("candidates") or [])]
            top3 += expect in ranked[:3]
            # an answer routed past the ranking (a named place's own entry) counts as reachable
            first += ok or (ranked[:1] or [reply.get("id")])[0] == expect
        n[group] += 1
        right[group] += ok
        if not ok:
            misses.append({"q": item["q"], "expect": expect, "kind": kind, "id": reply.get("id"),
                           "score": reply.get("score")})
    decided = n["id"] + n["none"]
    return EvalResult(
        decision_accuracy=(right["id"] + right["none"]) / decided if decided else 0.0,
        wrong_answer_rate=wrong / decided if decided else 0.0,
        in_scope_top1=f"{right['id']}/{n['id']}",
        in_scope_top3=f"{top3}/{n['id']}",
        out_of_scope_abstained=f"{right['none']}/{n['none']}",
        smalltalk=f"{right['smalltalk']}/{n['smalltalk']}",
        places=f"{right['places']}/{n['places']}",
        places_accuracy=right["places"] / n["places"] if n["places"] else 1.0,
        misses=misses,
        first_candidate=f"{first}/{n['id']}",
        ranking_ceiling=(first + n["none"]) / decided if decided else 0.0,
    )
