"""A fault nobody wrote a sentence for shows one plain sentence, never the traceback."""

from streamlit.testing.v1 import AppTest

from ui.session import UNEXPECTED_SENTENCE


def _router_like():
    from ui import session

    try:
        raise KeyError("/srv/recovery/secret.db: column 'x' missing")
    except Exception as error:  # the router's last resort (app.py)
        session.show_unexpected(error)


def _fragment_like():
    from ui import server

    handled = server.on_script_error(RuntimeError("SELECT * FROM debtor WHERE id = 7"))
    import streamlit as st

    st.session_state["handled"] = handled


def test_the_router_shows_a_plain_sentence_for_an_unexpected_fault():
    # Given a page that fails with an error no one wrote a message for
    at = AppTest.from_function(_router_like).run()
    # Then the person reads one plain sentence and a way to try again, and nothing of the fault
    assert not at.exception
    assert [e.value for e in at.error] == [UNEXPECTED_SENTENCE]
    assert [b.label for b in at.button] == ["Try again"]
    shown = " ".join(str(e.value) for e in (*at.error, *at.markdown, *at.caption))
    assert "secret.db" not in shown and "KeyError" not in shown


def test_the_servers_script_error_hook_handles_any_fault():
    # Given a fragment rerun that fails (the server's on_script_error hook gets it)
    at = AppTest.from_function(_fragment_like).run()
    # Then it says it handled it, with the same plain sentence and no SQL on screen
    assert at.session_state["handled"] is True
    assert [e.value for e in at.error] == [UNEXPECTED_SENTENCE]
    assert not at.exception
