import os
from datetime import timedelta

from flask import Flask, redirect, render_template, request, session, url_for


# ANCHOR: settings
def lifetime(text):
    """`SESSION_LIFETIME` as the Rust lesson reads it: `300`, `30s`, `5m`, `12h` or `7d`."""
    unit = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}.get(text[-1])
    return timedelta(**{unit: int(text[:-1])}) if unit else timedelta(seconds=int(text))


app = Flask(__name__)
app.secret_key = os.environ["SECRET_KEY"]
app.config.update(
    SESSION_COOKIE_SAMESITE="Lax",
    SESSION_COOKIE_SECURE=os.environ.get("SESSION_COOKIE_SECURE") == "1",
    # app.permanent_session_lifetime: the tutorial's timedelta(minutes=5) unless set
    PERMANENT_SESSION_LIFETIME=lifetime(os.environ.get("SESSION_LIFETIME", "5m")),
    # True, Flask's default, is sliding expiry; False starts the clock at each change only
    SESSION_REFRESH_EACH_REQUEST=os.environ.get("SESSION_REFRESH_EACH_REQUEST") != "0",
)


def make_session_permanent():
    """Seed 000's hook: every session permanent. Its 7 days are SESSION_LIFETIME=7d."""
    session.permanent = True


if os.environ.get("SESSION_ALWAYS_PERMANENT") == "1":
    app.before_request(make_session_permanent)
# ANCHOR_END: settings

MAX_NAME = 64
RESERVED = (
    "Keys that start with _ belong to the server (_permanent, _expires): "
    "use the checkbox below for session.permanent."
)


@app.get("/")
def index():
    username = session.get("username")
    return render_template("index.html", username=username, permanent=session.permanent)


# ANCHOR: login
@app.get("/login")
def login_form():
    if "username" in session:
        return redirect(url_for("index"), code=303)
    return render_template("login.html")


@app.post("/login")
def login():
    username = request.form.get("username", "").strip()
    if not 1 <= len(username) <= MAX_NAME:
        error = f"Please enter a name of 1 to {MAX_NAME} characters."
        return render_template("login.html", error=error, username=username), 400
    session.permanent = True
    session["username"] = username
    return redirect(url_for("index"), code=303)
# ANCHOR_END: login


@app.get("/logout")
def logout():
    session.pop("username", None)
    return redirect(url_for("index"), code=303)


def session_page(error=None, status=200):
    entries, permanent = sorted(session.items()), session.permanent
    page = render_template("session.html", entries=entries, permanent=permanent, error=error)
    return page, status


@app.get("/session")
def show_session():
    return session_page()


@app.post("/session/insert")
def insert():
    key = request.form.get("key", "")
    if not key.strip():
        return session_page("A key is required.", 400)
    if key.startswith("_"):
        return session_page(RESERVED, 400)
    session[key] = request.form.get("value", "")
    return redirect(url_for("show_session"), code=303)


@app.post("/session/remove")
def remove():
    key = request.form.get("key", "")
    if key.startswith("_"):
        return session_page(RESERVED, 400)
    session.pop(key, None)
    return redirect(url_for("show_session"), code=303)


@app.post("/session/clear")
def clear():
    session.clear()
    return redirect(url_for("show_session"), code=303)


# ANCHOR: permanent
@app.post("/session/permanent")
def permanent():
    session.permanent = request.form.get("permanent") == "on"  # an unticked box sends nothing
    return redirect(url_for("show_session"), code=303)
# ANCHOR_END: permanent


if __name__ == "__main__":
    app.run(port=int(os.environ.get("PORT", 8105)))  # `just flask 05`: the lesson's port + 100
