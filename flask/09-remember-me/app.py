import json
import os
from datetime import timedelta
from urllib.parse import unquote, urlsplit

from argon2 import PasswordHasher  # argon2-cffi
from argon2.exceptions import VerificationError
from flask import Flask, flash, redirect, render_template, request, session, url_for
from flask_login import (
    LoginManager,
    UserMixin,
    current_user,
    fresh_login_required,
    login_fresh,
    login_required,
    login_user,
    logout_user,
)

app = Flask(__name__)
app.secret_key = os.environ["SECRET_KEY"]
# ANCHOR: config
app.config.update(
    SESSION_COOKIE_SAMESITE="Lax",
    REMEMBER_COOKIE_DURATION=timedelta(days=14),  # Flask-Login's default: 365 days
    REMEMBER_COOKIE_SAMESITE="Lax",
)
login_manager = LoginManager(app)
login_manager.login_view = "login"
login_manager.login_message = "Please log in to access this page."
login_manager.login_message_category = "info"
login_manager.refresh_view = "login"  # where @fresh_login_required sends a login that is not fresh
login_manager.needs_refresh_message = "Please give your password again to access this page."
login_manager.needs_refresh_message_category = "info"
login_manager.session_protection = "basic"  # the default; "strong", or None to switch it off
app.add_template_global(login_fresh)  # templates ask {% if login_fresh() %}
# ANCHOR_END: config

# Argon2id with the Rust lessons' parameters (OWASP's minimum); argon2-cffi's default is heavier.
hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
users = {  # lesson 06's, and the Flask-Login tutorial's user1 / mypassword
    "aaa": {
        "password": "$argon2id$v=19$m=19456,t=2,p=1$LK4ZyqcGhEhq+n+ZvMX1AA$rpaoESL0TPDWuoSWQJNm8XpzSXWEkFblZYsccOoyw3Y",
        "other": "likes long walks",
    },
    "bbb": {
        "password": "$argon2id$v=19$m=19456,t=2,p=1$E2tlYFwY//0Qkn60XIqzCQ$9H1yHLfu7vOIomP9Yj2G4OKN2rhGVM29XL2iRLlbSfA",
        "other": "x...",
    },
    "user1": {
        "password": "$argon2id$v=19$m=19456,t=2,p=1$YIxTCDkufcv4BfwLVtoHhQ$raeiY6P3z6I6T76E6eRKSqGuKU767bGJ6JTnsEeHAgs",
        "other": "the Flask-Login tutorial's user",
    },
}
DUMMY = hasher.hash(os.urandom(16).hex())  # for unknown users: the same work


class User(UserMixin):
    def __init__(self, name):
        self.id = name
        self.other = users[name]["other"]


@login_manager.user_loader
def load_user(user_id):
    return User(user_id) if user_id in users else None


def check(username, password):
    user = users.get(username)
    try:
        hasher.verify(user["password"] if user else DUMMY, password)
    except VerificationError:
        return None
    return User(username)


def is_safe(next_url):
    for url in (next_url, unquote(next_url)):
        if not url.startswith("/") or url.startswith("//") or "\\" in url:
            return False
        if urlsplit(url).scheme or urlsplit(url).netloc:
            return False
    return next_url.isascii() and next_url.isprintable() and " " not in next_url


@app.get("/")
def index():
    return render_template("index.html")


# ANCHOR: login
@app.route("/login", methods=["GET", "POST"])
def login():
    next_url = request.values.get("next", "")
    if request.method == "GET":
        # current_user first: loading it is what may mark the login not fresh.
        if current_user.is_authenticated and login_fresh():
            return redirect(next_url if is_safe(next_url) else url_for("protected"), code=303)
        return render_template("login.html", next=next_url)
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    if not username or not password:
        flash("Please enter a username and a password.", "error")
        return redirect(url_for("login", next=next_url or None), code=303)
    user = check(username, password)
    if user is None:
        flash("Wrong username or password.", "error")
        return redirect(url_for("login", next=next_url or None), code=303)
    session.clear()  # Flask-Login keeps the old session: we do not
    login_user(user, remember="remember" in request.form)
    flash(f"Logged in as {user.id}.", "success")
    return redirect(next_url if is_safe(next_url) else url_for("protected"), code=303)
# ANCHOR_END: login


@app.get("/protected")
@login_required
def protected():
    return render_template("protected.html")


# ANCHOR: settings
@app.get("/settings")
@fresh_login_required
def settings():
    return render_template("settings.html")
# ANCHOR_END: settings


@app.get("/logout")
def logout_page():
    return render_template("logout.html")


# ANCHOR: logout
@app.post("/logout")
def logout():
    session.clear()
    logout_user()  # after the clear: it leaves a note in the session to clear the remember cookie
    return redirect(url_for("login"), code=303)
# ANCHOR_END: logout


@app.get("/session")
def show_session():
    entries = sorted((key, json.dumps(value)) for key, value in session.items())
    return render_template("session.html", entries=entries)


if __name__ == "__main__":
    app.run(port=int(os.environ.get("PORT", 8109)))  # `just flask 09`: the lesson's port + 100
