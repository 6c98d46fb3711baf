"""Unit tests of records.py (standard library only): python -m unittest discover -s examples/python"""

from __future__ import annotations

import copy
import unittest

from records import ALERTS, REVENUE_CLEAN, SHARES, InvalidRecord, Summary, topic_name, validate


def revenue(region: str, name: str, usd: float, period: str = "FY2025-Q3", as_of: str = "2025-02-26") -> dict:
    return {
        "schemaVersion": 1,
        "company": "NVDA",
        "fiscalPeriod": period,
        "fiscalYear": int(period[2:6]),
        "fiscalQuarter": int(period[-1]),
        "regionLabel": name,
        "region": region,
        "regionName": name,
        "revenueUsd": usd,
        "basis": "billing",
        "asOf": as_of,
        "provenance": {"source": "sample", "file": "nvda-revenue.csv", "line": 53, "ingestRun": "run-1", "format": "revenue-csv"},
    }


def composition(shares: dict[str, float]) -> dict:
    return {
        "schemaVersion": 1,
        "entity": {"company": "NVDA"},
        "period": "FY2025-Q3",
        "total": 100.0,
        "parts": [{"region": r, "name": r, "amount": s * 100, "share": s, "changePrev": None} for r, s in shares.items()],
        "hhi": 0.5,
        "evidence": [],
    }


def alert(revision: int = 1, status: str = "fired") -> dict:
    return {
        "schemaVersion": 1,
        "alertId": "share_shift_yoy|NVDA|SG|FY2025-Q3",
        "rule": "share_shift_yoy",
        "status": status,
        "severity": "warning",
        "entity": {"company": "NVDA"},
        "region": "SG",
        "regionName": "Singapore",
        "period": "FY2025-Q3",
        "baselinePeriod": "FY2024-Q3",
        "observed": 0.22,
        "baseline": 0.13,
        "score": 4.1,
        "threshold": 3.5,
        "summary": "Singapore's share of NVDA revenue rose to 22.0%",
        "basis": "revenue by customer billing location",
        "evidence": ["NVDA|FY2025-Q3|SG"],
        "revision": revision,
        "detectedAt": "2026-01-01T00:00:00.000Z",
    }


class ValidateTest(unittest.TestCase):
    def test_accepts_each_topics_record(self) -> None:
        for topic, value in [(REVENUE_CLEAN, revenue("SG", "Singapore", 7.718e9)), (SHARES, composition({"SG": 1.0})), (ALERTS, alert())]:
            self.assertIs(validate(topic, value), value)

    def test_names_the_field_that_is_wrong(self) -> None:
        cases = [
            (REVENUE_CLEAN, ["fiscalPeriod"], "2025-Q3", "fiscalPeriod: expected FYyyyy-Qn"),
            (REVENUE_CLEAN, ["revenueUsd"], -1, "revenueUsd: expected a number >= 0"),
            (REVENUE_CLEAN, ["revenueUsd"], True, "revenueUsd: expected a number"),
            (REVENUE_CLEAN, ["fiscalQuarter"], 5, "fiscalQuarter: expected an integer >= 1 <= 4"),
            (REVENUE_CLEAN, ["provenance", "line"], 1.5, "provenance.line: expected an integer >= 0"),
            (SHARES, ["parts", 0, "share"], "22%", "parts: expected a list of objects ([0].share: expected a number"),
            (SHARES, ["entity", "company"], 1, "entity: expected an object of strings"),
            (ALERTS, ["status"], "open", "status: expected one of 'fired'"),
            (ALERTS, ["revision"], 0, "revision: expected an integer >= 1"),
            (ALERTS, ["summary"], "", "summary: expected a non-empty string"),
        ]
        good = {REVENUE_CLEAN: revenue("SG", "Singapore", 1.0), SHARES: composition({"SG": 1.0}), ALERTS: alert()}
        for topic, path, bad, message in cases:
            value = copy.deepcopy(good[topic])
            target = value
            for step in path[:-1]:
                target = target[step]
            target[path[-1]] = bad
            with self.subTest(topic=topic, path=path), self.assertRaises(InvalidRecord) as caught:
                validate(topic, value)
            self.assertIn(message, str(caught.exception))

    def test_a_missing_field_is_invalid_unless_optional(self) -> None:
        value = revenue("SG", "Singapore", 1.0)
        del value["basis"]
        with self.assertRaisesRegex(InvalidRecord, "basis: missing"):
            validate(REVENUE_CLEAN, value)
        value = alert()
        self.assertNotIn("kind", value)
        validate(ALERTS, value)
        with self.assertRaisesRegex(InvalidRecord, "value: expected an object"):
            validate(ALERTS, [value])

    def test_prefix_is_checked_like_the_services_do(self) -> None:
        self.assertEqual(topic_name("demo-1.", "alerts.v1"), "demo-1.alerts.v1")
        with self.assertRaises(ValueError):
            topic_name("bad prefix", "alerts.v1")


class SummaryTest(unittest.TestCase):
    def test_share_of_region_per_company_period_from_the_latest_figures(self) -> None:
        s = Summary()
        s.add(REVENUE_CLEAN, "NVDA|FY2025-Q3|SG", revenue("SG", "Singapore", 10.0, as_of="2025-01-01"))
        s.add(REVENUE_CLEAN, "NVDA|FY2025-Q3|SG", revenue("SG", "Singapore", 22.0, as_of="2025-02-26"))
        # an older revision read later does not replace the restated figure
        s.add(REVENUE_CLEAN, "NVDA|FY2025-Q3|SG", revenue("SG", "Singapore", 99.0, as_of="2024-12-01"))
        s.add(REVENUE_CLEAN, "NVDA|FY2025-Q3|US", revenue("US", "United States", 78.0))
        self.assertEqual(s.read[REVENUE_CLEAN], 4)
        self.assertEqual(
            s.region_shares(), {("NVDA", "FY2025-Q3"): [("US", "United States", 78.0, 0.78), ("SG", "Singapore", 22.0, 0.22)]}
        )
        self.assertIn("  NVDA FY2025-Q3 (0.0m USD): United States 78.0%, Singapore 22.0%", s.lines((REVENUE_CLEAN,)))

    def test_compares_shares_v1_with_the_computed_shares(self) -> None:
        s = Summary()
        s.add(REVENUE_CLEAN, "a", revenue("SG", "Singapore", 22.0))
        s.add(REVENUE_CLEAN, "b", revenue("US", "United States", 78.0))
        s.add(SHARES, "company=NVDA|FY2025-Q3", composition({"SG": 0.22, "US": 0.78}))
        self.assertEqual(s.share_disagreements(), (1, []))
        s.add(SHARES, "company=NVDA|FY2025-Q3", composition({"SG": 0.30, "US": 0.70}))
        self.assertEqual(s.share_disagreements(), (1, ["NVDA FY2025-Q3"]))
        self.assertIn("shares.v1 and these shares DISAGREE on NVDA FY2025-Q3 (1 company-periods in both)", s.lines((REVENUE_CLEAN, SHARES)))

    def test_keeps_the_highest_revision_of_an_alert_and_applies_tombstones(self) -> None:
        s = Summary()
        s.add(ALERTS, "k", alert(2, "updated"))
        s.add(ALERTS, "k", alert(1))
        self.assertEqual(s.latest[ALERTS]["k"]["revision"], 2)
        self.assertIn("Alerts (latest revision per alert id): share_shift_yoy 1", s.lines((ALERTS,)))
        s.delete(ALERTS, "k")
        self.assertEqual(s.latest[ALERTS], {})
        self.assertIn("  alerts.v1             2 records,    0 distinct keys, 0 invalid, 1 deleted", s.lines((ALERTS,)))


if __name__ == "__main__":
    unittest.main()
