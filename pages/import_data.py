"""Import data: leads and admins load debtors with their accounts, or payments, from CSV."""

import hashlib

import streamlit as st

from core.errors import UserError
from core.importer import loader as importer
from core.permissions import is_lead
from ui import auth
from ui.format import md
from ui.session import engine, forget_reads

KIND_LABELS = {"debtors": "Debtors and their accounts", "payments": "Payments received"}

me = auth.require_user()
st.title("Import data")
if not is_lead(me):
    st.error("Only leads and admins can import data.")
    st.stop()


def _problem_rows(problems: list[importer.Problem]) -> list[dict[str, object]]:
    return [{"Row": p.row_number, "Column": p.column, "Problem": p.message} for p in problems]


def _show_problems(problems: list[importer.Problem], key: str) -> None:
    """The refused rows as a table, and as a CSV to fix the file with."""
    st.dataframe(_problem_rows(problems), hide_index=True, width="stretch")
    st.download_button("Download the refused rows (CSV)", importer.problems_csv(problems),
                       file_name="import-problems.csv", mime="text/csv", key=key)


kind = st.radio("What does the file hold?", list(KIND_LABELS), format_func=KIND_LABELS.get,
                horizontal=True, key="import_kind")
with st.expander("Columns of this kind of file, and a sample to start from"):
    st.caption("Row numbers in messages are as a spreadsheet shows them: the header is row 1. "
               "Money is in pounds with up to 2 decimals (1234.50); dates are YYYY-MM-DD. "
               "Importing the same file again changes nothing.")
    st.dataframe(importer.column_help(kind), hide_index=True, width="stretch")
    st.download_button("Download a sample file", importer.sample_file(kind),
                       file_name=f"{kind}-sample.csv", mime="text/csv", key="import_sample")

upload = st.file_uploader("CSV file (UTF-8)", type=["csv"], key="import_file")

if upload is None:
    st.info("Choose a CSV file to see what it would change before anything is saved.")
    st.stop()

upload.seek(0)
preview_key = (kind, hashlib.file_digest(upload, "sha256").hexdigest())


def _progress(verb: str):
    """A progress bar, and the callback the importer moves it with."""
    bar = st.progress(0.0, text=f"{verb}…")

    def show(done: int, total: int) -> None:
        bar.progress(min(1.0, done / max(total, 1)), text=f"{verb}: {done:,} of {total:,} rows")
    return show


def _run(service, verb: str):
    """Run a chunked import service (it commits chunk by chunk); plain errors are shown."""
    try:
        return service(engine(), actor_id=me.id, kind=kind, data=upload,
                       progress=_progress(verb))
    except (UserError, PermissionError) as exc:
        st.error(str(exc))
        return None


last = st.session_state.get("import_result")
imported = last is not None and last[0] == preview_key
if imported:
    result = last[1]
    st.success(f"Imported {KIND_LABELS[result.kind].lower()}: {result.created:,} created, "
               f"{result.updated:,} updated, {result.unchanged:,} unchanged, "
               f"{result.refused:,} refused.")
    if result.problems:
        _show_problems(result.problems, "import_result_problems")
cached = st.session_state.get("import_preview")
if cached is None or cached[0] != preview_key:
    preview = _run(importer.preview_file, "Checking every row")
    if preview is None:
        st.stop()
    st.session_state["import_preview"] = (preview_key, preview)
else:
    preview = cached[1]

st.subheader("Preview")
if preview.file_refused:
    st.error(preview.file_problem)
    st.stop()

cols = st.columns(4)
cols[0].metric("Would create", f"{preview.created:,}")
cols[1].metric("Would update", f"{preview.updated:,}")
cols[2].metric("Unchanged", f"{preview.unchanged:,}")
cols[3].metric("Refused", f"{preview.refused:,}")
if preview.ignored_columns:
    st.caption("These columns aren't used and will be ignored: "
               + ", ".join(md(name) for name in preview.ignored_columns))
if preview.problems and not imported:
    st.warning(f"{preview.refused:,} of {preview.rows:,} rows would be refused and left out. "
               "Fix them in your file and import it again (the rest will then be unchanged).")
    _show_problems(preview.problems, "import_problems_download")

changes = preview.created + preview.updated
if not changes:
    st.info("Nothing to import: every valid row is already in the database as it is.")
with st.form("import_form", clear_on_submit=False):
    st.caption(f"Import {changes:,} rows from {md(upload.name)}. Each row is saved whole "
               "or not at all; refused rows are left out.")
    if st.form_submit_button("Import", type="primary", disabled=not changes):
        result = _run(importer.import_file, "Importing")
        if result is not None:
            forget_reads()
            st.session_state["import_result"] = (preview_key, result)
            st.session_state.pop("import_preview", None)
            st.rerun()
