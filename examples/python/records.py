"""Entrepot's cleaned topics as an analyst reads them: names, validation, summary.

Standard library only, no Kafka: consumer.py does the reading. The checks mirror the zod
schemas in packages/schemas/src (clean.ts `RevenueClean`, alert.ts `Composition` and `Alert`)
for the fields an analyst relies on; a record that fails them raises `InvalidRecord` naming the
field.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

# topics.ts: the deployed name is `${ENTREPOT_TOPIC_PREFIX}${name}`
REVENUE_CLEAN = "revenue.clean.v1"
SHARES = "shares.v1"
ALERTS = "alerts.v1"
TOPICS = (REVENUE_CLEAN, SHARES, ALERTS)

# runtime/config.ts: what ENTREPOT_TOPIC_PREFIX may contain
PREFIX_PATTERN = re.compile(r"^[a-zA-Z0-9._-]*$")


def topic_name(prefix: str, name: str) -> str:
    """The topic as deployed under `prefix` (tests and demos each use their own)."""
    if not PREFIX_PATTERN.match(prefix):
        raise ValueError(f"ENTREPOT_TOPIC_PREFIX: expected only letters, digits, '.', '_' or '-', got {prefix!r}")
    return f"{prefix}{name}"


class InvalidRecord(ValueError):
    """A message whose value is not the record its topic promises."""


# A check returns None when the value is fine, else what was expected.
Check = Callable[[Any], Optional[str]]


def _text(min_length: int = 0) -> Check:
    def check(v: Any) -> Optional[str]:
        if isinstance(v, str) and len(v) >= min_length:
            return None
        return "a non-empty string" if min_length else "a string"

    return check


def _number(minimum: Optional[float] = None, integer: bool = False, maximum: Optional[float] = None) -> Check:
    def check(v: Any) -> Optional[str]:
        ok = isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
        ok = ok and (not integer or float(v).is_integer())
        ok = ok and (minimum is None or v >= minimum) and (maximum is None or v <= maximum)
        if ok:
            return None
        kind = "an integer" if integer else "a number"
        bounds = [f">= {minimum:g}"] if minimum is not None else []
        bounds += [f"<= {maximum:g}"] if maximum is not None else []
        return " ".join([kind, *bounds])

    return check


def _one_of(*values: Any) -> Check:
    return lambda v: None if v in values else f"one of {', '.join(map(repr, values))}"


def _matches(pattern: str, label: str) -> Check:
    regex = re.compile(pattern)
    return lambda v: None if isinstance(v, str) and regex.match(v) else label


def _list_of(item: Check) -> Check:
    return lambda v: None if isinstance(v, list) and all(item(x) is None for x in v) else "a list"


def _text_map(v: Any) -> Optional[str]:
    ok = isinstance(v, dict) and all(isinstance(k, str) and isinstance(x, str) for k, x in v.items())
    return None if ok else "an object of strings"


def _nullable(check: Check) -> Check:
    return lambda v: None if v is None else check(v)


@dataclass(frozen=True)
class _Optional:
    """A field that may be absent."""

    check: Check


Shape = dict[str, "Check | _Optional"]


def _problem(value: Any, shape: Shape, path: str = "") -> Optional[str]:
    if not isinstance(value, dict):
        return f"{path or 'value'}: expected an object"
    for name, spec in shape.items():
        where = f"{path}{name}"
        if name not in value:
            if isinstance(spec, _Optional):
                continue
            return f"{where}: missing"
        check = spec.check if isinstance(spec, _Optional) else spec
        wrong = check(value[name])
        if wrong is not None:
            return f"{where}: expected {wrong}, got {value[name]!r}"
    return None


def _shape(shape: Shape, path: str = "") -> Check:
    return lambda v: _problem(v, shape, path)


def _list_of_shapes(shape: Shape) -> Check:
    def check(v: Any) -> Optional[str]:
        if not isinstance(v, list):
            return "a list"
        for i, item in enumerate(v):
            wrong = _problem(item, shape, f"[{i}].")
            if wrong is not None:
                return f"a list of objects ({wrong})"
        return None

    return check


_PROVENANCE: Shape = {
    "source": _text(1),
    "file": _text(1),
    "line": _number(0, integer=True),
    "ingestRun": _text(1),
    "format": _text(1),
}

# clean.ts RevenueClean: one company's revenue in one region for one fiscal quarter, in USD
REVENUE_CLEAN_SHAPE: Shape = {
    "schemaVersion": _one_of(1),
    "company": _text(1),
    "fiscalPeriod": _matches(r"^FY\d{4}-Q[1-4]$", "FYyyyy-Qn"),
    "fiscalYear": _number(integer=True),
    "fiscalQuarter": _number(1, integer=True, maximum=4),
    "periodStart": _Optional(_text()),
    "periodEnd": _Optional(_text()),
    "regionLabel": _text(1),
    "region": _text(1),
    "regionName": _text(1),
    "revenueUsd": _number(0),
    "basis": _one_of("billing", "shipping", "customer"),
    "asOf": _text(),
    "provenance": _shape(_PROVENANCE, "provenance."),
}

# alert.ts Composition: amount and share per region of one entity in one period
COMPOSITION_SHAPE: Shape = {
    "schemaVersion": _one_of(1),
    "entity": _text_map,
    "period": _text(),
    "total": _number(0),
    "parts": _list_of_shapes(
        {
            "region": _text(),
            "name": _text(),
            "amount": _number(),
            "share": _number(),
            "changePrev": _Optional(_nullable(_number())),
            "changeYoy": _Optional(_nullable(_number())),
            "appeared": _Optional(_one_of(True, False)),
        }
    ),
    "hhi": _Optional(_number()),
    "gapBefore": _Optional(_one_of(True, False)),
    "tinyTotal": _Optional(_one_of(True, False)),
    "disappeared": _Optional(_list_of(_text())),
    "evidence": _list_of(_text()),
}

# alert.ts Alert
ALERT_SHAPE: Shape = {
    "schemaVersion": _one_of(1),
    "alertId": _text(1),
    "rule": _text(1),
    "kind": _Optional(_one_of("anomaly", "definition_change")),
    "status": _one_of("fired", "updated", "retracted", "resolved"),
    "severity": _one_of("info", "warning", "critical"),
    "entity": _text_map,
    "region": _text(),
    "regionName": _text(),
    "period": _text(),
    "baselinePeriod": _text(),
    "observed": _number(),
    "baseline": _number(),
    "score": _number(),
    "threshold": _number(),
    "summary": _text(1),
    "basis": _text(),
    "evidence": _list_of(_text()),
    "revision": _number(1, integer=True),
    "detectedAt": _text(),
}

SHAPES: dict[str, Shape] = {REVENUE_CLEAN: REVENUE_CLEAN_SHAPE, SHARES: COMPOSITION_SHAPE, ALERTS: ALERT_SHAPE}


def validate(topic: str, value: Any) -> dict[str, Any]:
    """The record when `value` (parsed JSON) is what `topic` (unprefixed name) carries, else InvalidRecord."""
    wrong = _problem(value, SHAPES[topic])
    if wrong is not None:
        raise InvalidRecord(wrong)
    return value


def entity_label(entity: dict[str, str]) -> str:
    """`NVDA` for a company, else `reporter=SG,hs=8542,flow=import` style."""
    if list(entity) == ["company"]:
        return entity["company"]
    return ",".join(f"{k}={entity[k]}" for k in sorted(entity))


def usd_millions(amount: float) -> str:
    return f"{amount / 1e6:,.1f}m USD"


def describe(topic: str, r: dict[str, Any]) -> str:
    """One line per record for the terminal."""
    if topic == REVENUE_CLEAN:
        return (
            f"{r['company']} {r['fiscalPeriod']} {r['regionName']} ({r['region']}): "
            f"{usd_millions(r['revenueUsd'])}, {r['basis']}, as of {r['asOf']}"
        )
    if topic == SHARES:
        parts = ", ".join(f"{p['name']} {p['share']:.1%}" for p in r["parts"])
        return f"{entity_label(r['entity'])} {r['period']} total {usd_millions(r['total'])}: {parts}"
    return (
        f"[{r['severity']}] {r['rule']} {entity_label(r['entity'])} {r['region']} {r['period']} "
        f"({r['status']}, revision {r['revision']}): {r['summary']}"
    )


@dataclass
class Summary:
    """What a run read: counts per topic, and the latest record per message key for the tables."""

    read: Counter[str] = field(default_factory=Counter)
    invalid: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)
    latest: dict[str, dict[Optional[str], dict[str, Any]]] = field(default_factory=lambda: {t: {} for t in TOPICS})

    def add(self, topic: str, key: Optional[str], record: dict[str, Any]) -> None:
        self.read[topic] += 1
        before = self.latest[topic].get(key)
        if before is None or _supersedes(record, before):
            self.latest[topic][key] = record

    def delete(self, topic: str, key: Optional[str]) -> None:
        """A tombstone on a compacted topic: the key is gone."""
        self.deleted[topic] += 1
        self.latest[topic].pop(key, None)

    def region_shares(self) -> dict[tuple[str, str], list[tuple[str, str, float, float]]]:
        """(company, fiscal period) -> [(region, name, amount, share)], largest first, from revenue.clean.v1 alone."""
        groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for r in self.latest[REVENUE_CLEAN].values():
            groups[(r["company"], r["fiscalPeriod"])].append(r)
        out = {}
        for company_period in sorted(groups):
            rows = groups[company_period]
            total = sum(r["revenueUsd"] for r in rows)
            parts = [(r["region"], r["regionName"], r["revenueUsd"], r["revenueUsd"] / total if total > 0 else 0.0) for r in rows]
            out[company_period] = sorted(parts, key=lambda p: (-p[2], p[0]))
        return out

    def company_shares(self) -> dict[tuple[str, str], dict[str, float]]:
        """(company, period) -> region -> share, as the detector published them on shares.v1."""
        return {
            (c["entity"]["company"], c["period"]): {p["region"]: p["share"] for p in c["parts"]}
            for c in self.latest[SHARES].values()
            if list(c["entity"]) == ["company"]
        }

    def share_disagreements(self, tolerance: float = 1e-9) -> tuple[int, list[str]]:
        """How many company-periods both topics have, and those where shares.v1 differs from revenue.clean.v1."""
        published = self.company_shares()
        compared, problems = 0, []
        for (company, period), parts in self.region_shares().items():
            theirs = published.get((company, period))
            if theirs is None:
                continue
            compared += 1
            ours = {region: share for region, _, _, share in parts}
            if theirs.keys() != ours.keys() or any(abs(theirs[k] - ours[k]) > tolerance for k in ours):
                problems.append(f"{company} {period}")
        return compared, problems

    def lines(self, topics: tuple[str, ...]) -> list[str]:
        """The summary as printed at the end of a run."""
        out = ["Read:"]
        for t in topics:
            deleted = f", {self.deleted[t]} deleted" if self.deleted[t] else ""
            out.append(f"  {t:<17} {self.read[t]:>5} records, {len(self.latest[t]):>4} distinct keys, {self.invalid[t]} invalid{deleted}")
        if REVENUE_CLEAN in topics:
            out.append("Share of region per company-period (revenue.clean.v1, latest figure per key):")
            for (company, period), parts in self.region_shares().items():
                total = sum(p[2] for p in parts)
                shares = ", ".join(f"{name} {share:.1%}" for _, name, _, share in parts)
                out.append(f"  {company} {period} ({usd_millions(total)}): {shares}")
            if SHARES in topics:
                compared, wrong = self.share_disagreements()
                verdict = "agree" if not wrong else f"DISAGREE on {', '.join(wrong)}"
                out.append(f"shares.v1 and these shares {verdict} ({compared} company-periods in both)")
        if ALERTS in topics:
            alerts = self.latest[ALERTS].values()
            by_rule = Counter(a["rule"] for a in alerts)
            rules = ", ".join(f"{rule} {n}" for rule, n in sorted(by_rule.items())) or "none"
            out.append(f"Alerts (latest revision per alert id): {rules}")
            for a in sorted(alerts, key=lambda a: (a["period"], a["rule"], a["alertId"])):
                out.append(f"  {describe(ALERTS, a)}")
        return out


def _supersedes(record: dict[str, Any], before: dict[str, Any]) -> bool:
    """A later record for the same key replaces the earlier one, unless it is an older revision:
    compositions.ts latestRevisions keeps the later `asOf` of a revenue fact (the last seen when
    equal); an alert keeps its highest `revision`."""
    if "asOf" in record:
        return record["asOf"] >= before["asOf"]
    if "revision" in record:
        return record["revision"] >= before["revision"]
    return True
