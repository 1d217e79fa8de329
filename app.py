"""Router: page config, sign-in, and the navigation each role may see.

Streamlit runs this file as `__main__` on every rerun. Imported as a module (`streamlit run
app.py` and `uvicorn app:app` both import it) it is the web server: st.App with the sign-in
cookie's routes, the security headers and the start-up imports (lifespan) from ui.server.
"""

from pathlib import Path

import streamlit as st

from ui import server

if __name__ == "__main__":
    server.wait_until_warm()  # the start-up imports (ui.server.lifespan), once per server
    from ui import auth, nav, session
    from ui.daily import ensure_daily_run

    st.set_page_config(page_title="Recovery team dashboard",
                       page_icon=str(Path(__file__).with_name("static") / "favicon.png"),
                       layout="wide")
    session.engine()
    try:
        ensure_daily_run()
        user = auth.current_user()
        sections = nav.pages_for(user) if user else auth.sign_in_pages()
        page = st.navigation(sections, position="hidden")
        if user is None:
            st.session_state["auth_next"] = auth.next_path(page)
        elif nav.sidebar(sections, user):
            auth.sign_out()
        page.run()
    except session.DB_DOWN:
        session.show_db_down()
    except Exception as error:  # noqa: BLE001 - st.rerun/st.stop are not Exceptions and pass
        session.show_unexpected(error)
else:
    app = st.App(__file__, lifespan=server.lifespan, routes=server.routes(),
                 middleware=server.middleware(), on_script_error=server.on_script_error)
