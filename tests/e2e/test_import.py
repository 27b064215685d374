"""Import in a real browser: upload a CSV whose dates could be day- or month-first, answer the
question by choosing the date format in the preview, commit; the overview moves by exactly the
file's totals. The same file again: nothing new. Undo: the totals before."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from dashboard import ids
from data.demo_household import CHECKING
from tests.e2e.conftest import wait_until
from tests.e2e.test_entry_and_budgets import euros, open_page
from tests.e2e.test_overview import kpi_text

TEXT_JS = "id => document.getElementById(id)?.innerText || ''"


def statement_csv(tmp_path) -> tuple[object, Decimal, Decimal]:
    """Days 1..12 of this month (never after today): every date reads as DD/MM and MM/DD."""
    today = date.today()
    days = [min(day, today.day) for day in (1, 2, 2, 3)]
    rows = [
        (days[0], "-12,34", "Bakery Import Probe"),
        (days[1], "-56,78", "Grocer Import Probe"),
        (days[2], "-56,78", "Grocer Import Probe"),  # the same line twice: both are real
        (days[3], "100,00", "Refund Import Probe"),
    ]
    lines = ["Datum;Betrag;Empfänger"] + [
        f"{day:02d}/{today.month:02d}/{today.year};{amount};{payee}" for day, amount, payee in rows
    ]
    path = tmp_path / "bank-export.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("cp1252"))
    return path, Decimal("125.90"), Decimal("100.00")


def upload(page, path) -> None:
    page.set_input_files(f"#{ids.IMPORT_UPLOAD} input[type=file]", str(path))


def wait_text(page, element_id: str, text: str) -> str:
    return wait_until(
        page,
        f"id => {{ const t = ({TEXT_JS})(id); return t.includes({text!r}) && t; }}",
        element_id,
    )


def spending_and_income(page) -> tuple[Decimal, Decimal]:
    open_page(page, "/")
    page.locator(f"#{ids.KPI_SPENDING}").wait_for()
    return euros(kpi_text(page, ids.KPI_SPENDING)), euros(kpi_text(page, ids.KPI_INCOME))


def test_upload_correct_the_date_format_commit_reimport_and_undo(page, tmp_path):
    path, spent, earned = statement_csv(tmp_path)
    spending_before, income_before = spending_and_income(page)

    open_page(page, "/import")
    page.select_option(f"#{ids.IMPORT_ACCOUNT}", str(CHECKING))
    upload(page, path)
    # Day-first or month-first? It asks, and nothing can be imported until it is answered.
    wait_text(page, ids.IMPORT_QUESTIONS, "choose the date format")
    assert page.locator(f"#{ids.IMPORT_COMMIT}").is_disabled()

    page.locator(f"#{ids.IMPORT_MAP_DATE_FORMAT}").click()
    page.locator(".dash-dropdown-option", has_text="DD/MM/YYYY").first.click()
    page.keyboard.press("Escape")
    page.locator(f"#{ids.IMPORT_MAP_APPLY}").click()
    wait_text(page, ids.IMPORT_SUMMARY, "New: 4")
    assert "Grocer Import Probe" in page.locator(f"#{ids.IMPORT_GRID}").inner_text()
    page.locator(f"#{ids.IMPORT_COMMIT}").click()
    wait_text(page, ids.IMPORT_RESULT, "Imported 4 lines")
    wait_text(page, ids.IMPORT_HISTORY, "bank-export.csv")

    spending, income = spending_and_income(page)
    assert (spending - spending_before, income - income_before) == (spent, earned)

    # The same file again: the saved reading is used (no question) and every line is known.
    open_page(page, "/import")
    page.select_option(f"#{ids.IMPORT_ACCOUNT}", str(CHECKING))
    upload(page, path)
    wait_text(page, ids.IMPORT_SUMMARY, "New: 0")
    assert "Duplicate (imported before): 4" in page.locator(f"#{ids.IMPORT_SUMMARY}").inner_text()

    page.locator(f"#{ids.IMPORT_HISTORY} button", has_text="Undo").first.click()
    wait_text(page, ids.IMPORT_UNDO_TEXT, "removes the 4 transactions")
    page.locator(f"#{ids.IMPORT_UNDO_CONFIRM}").click()
    wait_text(page, ids.IMPORT_UNDO_FEEDBACK, "4 transactions removed")
    assert spending_and_income(page) == (spending_before, income_before)
