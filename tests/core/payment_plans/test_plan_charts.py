"""core.payment_plans.charts: the Altair specs, checked through chart.to_dict()."""

from datetime import date

from core.payment_plans.charts import (
    balance_chart,
    balance_frame,
    balance_spec,
    scenarios_chart,
    scenarios_frame,
    scenarios_spec,
)
from core.plans import build_schedule

START = date(2027, 3, 1)


def _values(spec: dict) -> list[dict]:
    return spec["datasets"][spec["data"]["name"]]


def test_balance_chart_falls_from_the_total_to_zero_at_each_instalment():
    # Given £600 at £250 a month with 10 % off: £540 in 250, 250, 40
    schedule = build_schedule(60_000, frequency="monthly", start=START, instalment_cents=25_000,
                              discount_pct=10)
    # When it is charted
    spec = balance_chart(schedule).to_dict()
    # Then it is a step line of what is left to pay against the date
    assert spec["mark"]["type"] == "line" and spec["mark"]["interpolate"] == "step-after"
    assert spec["encoding"]["x"]["field"] == "date"
    assert spec["encoding"]["x"]["type"] == "temporal"
    assert (spec["encoding"]["y"]["field"], spec["encoding"]["y"]["type"]) == (
        "left", "quantitative")
    assert spec["encoding"]["y"]["title"] == "Left to pay (£)"
    # And it starts at the total payable and drops to nothing on the last date
    points = [(v["date"], v["left"]) for v in _values(spec)]
    assert points == [("2027-03-01", 540.0), ("2027-03-01", 290.0), ("2027-04-01", 40.0),
                      ("2027-05-01", 0.0)]


def test_balance_chart_handles_the_longest_plan():
    schedule = build_schedule(5_200_000, frequency="weekly", start=START, count=520)
    values = _values(balance_chart(schedule).to_dict())
    assert len(values) == 521
    assert values[-1]["left"] == 0.0 and values[0]["left"] == 52_000.0


def test_scenarios_chart_has_one_line_per_scenario_in_pinned_order():
    # Given three scenarios of the same balance
    scenarios = [
        (label, build_schedule(60_000, frequency=freq, start=START, count=n))
        for label, freq, n in (("Scenario A", "monthly", 12), ("Scenario B", "weekly", 26),
                               ("Scenario C", "fortnightly", 6))
    ]
    # When compared
    spec = scenarios_chart(scenarios).to_dict()
    # Then colour tells the scenarios apart, in the order they were pinned
    color = spec["encoding"]["color"]
    assert (color["field"], color["type"], color["sort"]) == (
        "scenario", "nominal", ["Scenario A", "Scenario B", "Scenario C"])
    values = _values(spec)
    counts = {label: sum(1 for v in values if v["scenario"] == label) for label, _ in scenarios}
    assert counts == {"Scenario A": 13, "Scenario B": 27, "Scenario C": 7}
    # And every line ends at zero on its own last date
    last = {v["scenario"]: v for v in values}
    assert {k: v["left"] for k, v in last.items()} == dict.fromkeys(counts, 0.0)
    assert last["Scenario B"]["date"] == "2027-08-23"


def _drop_data(spec: dict) -> dict:
    return {k: v for k, v in spec.items() if k not in ("data", "datasets")}


def test_the_fast_path_is_the_same_chart_split_into_spec_and_data():
    # Given a plan and three scenarios
    schedule = build_schedule(60_000, frequency="monthly", start=START, count=12)
    lines = tuple((f"Scenario {c}", build_schedule(60_000, frequency="weekly", start=START,
                                                   count=n)) for c, n in zip("ABC", (10, 20, 30),
                                                                             strict=True))
    # When the page's fast path is used instead of the Altair chart
    chart = balance_chart(schedule).to_dict()
    compare = scenarios_chart(lines).to_dict()
    # Then the spec is the chart's spec without its data, and the frame is its data
    assert balance_spec(schedule) == _drop_data(chart)
    assert balance_frame(schedule).to_dict("records") == _values(chart)
    assert scenarios_spec([label for label, _ in lines]) == _drop_data(compare)
    assert scenarios_frame(lines).to_dict("records") == _values(compare)


def test_short_plans_mark_each_instalment_long_ones_do_not():
    short = build_schedule(60_000, frequency="monthly", start=START, count=12)
    long = build_schedule(60_000, frequency="weekly", start=START, count=100)
    assert balance_spec(short)["mark"]["point"] is True
    assert balance_spec(long)["mark"]["point"] is False
