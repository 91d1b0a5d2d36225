import json
import os
import re
import time
from datetime import datetime, timedelta
from pathlib import Path
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
    user_loaded_from_cookie,
)
from flask_session import Session
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.exc import IntegrityError

# ANCHOR: model
app = Flask(__name__)
app.secret_key = os.environ["SECRET_KEY"]
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]  # just flask 12: data/flask-12.db
db = SQLAlchemy(app)
# Argon2id with the Rust lessons' parameters (OWASP's minimum); argon2-cffi's default is heavier.
hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
# The Rust lessons' list: about 1 000 of the most used passwords of 8+ characters, lowercase.
COMMON_PASSWORDS = set(
    (Path(__file__).parents[2] / "shared/src/common-passwords.txt").read_text().split()
)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(32, collation="NOCASE"), unique=True, nullable=False)
    email = db.Column(db.String(254, collation="NOCASE"), unique=True, nullable=False)
    password_hash = db.Column(db.String, nullable=False)


# Lesson 08's user1 / mypassword, whom the Rust lesson's second migration adds.
USER1_HASH = "$argon2id$v=19$m=19456,t=2,p=1$YIxTCDkufcv4BfwLVtoHhQ$raeiY6P3z6I6T76E6eRKSqGuKU767bGJ6JTnsEeHAgs"
with app.app_context():
    db.create_all()  # makes the missing tables; it never changes one that exists
    if User.query.first() is None:
        user1 = User(username="user1", email="user1@example.com", password_hash=USER1_HASH)
        db.session.add(user1)
        db.session.commit()
# ANCHOR_END: model

app.config.update(
    SESSION_COOKIE_SAMESITE="Lax",
    REMEMBER_COOKIE_DURATION=timedelta(days=14),
    REMEMBER_COOKIE_SAMESITE="Lax",
)
# ANCHOR: session
# Flask-Session: `session` is a row of the table `sessions`, in the lesson's database, and the
# cookie carries only the row's random id.
app.config.update(
    SESSION_TYPE="sqlalchemy",
    SESSION_SQLALCHEMY=db,
    SESSION_PERMANENT=False,  # the cookie ends with the browser, as the Rust lesson's does
    PERMANENT_SESSION_LIFETIME=timedelta(minutes=5),  # the row's: 5 minutes from its last use
)
Session(app)
# ANCHOR_END: session
# ANCHOR: loader
login_manager = LoginManager(app)
login_manager.login_view = "login"
login_manager.login_message = "Please log in to access this page."
login_manager.login_message_category = "info"
login_manager.refresh_view = "login"
login_manager.needs_refresh_message = "Please give your password again to access this page."
login_manager.needs_refresh_message_category = "info"
app.add_template_global(login_fresh)


@login_manager.user_loader
def load_user(user_id):
    return db.session.get(User, int(user_id))
# ANCHOR_END: loader


DUMMY = hasher.hash(os.urandom(16).hex())  # for unknown users: the same work


def check(username, password):
    user = User.query.filter_by(username=username).first()  # any case: the column is NOCASE
    try:
        hasher.verify(user.password_hash if user else DUMMY, password)
    except VerificationError:
        return None
    return user


def is_safe(next_url):
    for url in (next_url, unquote(next_url)):
        if not url.startswith("/") or url.startswith("//") or "\\" in url:
            return False
        if urlsplit(url).scheme or urlsplit(url).netloc:
            return False
    return next_url.isascii() and next_url.isprintable() and " " not in next_url


# ANCHOR: index
@app.get("/")
def index():
    users = User.query.order_by(User.username).all()
    return render_template("index.html", users=users)
# ANCHOR_END: index


# ANCHOR: register
def problem(username, email, password):
    if not re.fullmatch(r"[A-Za-z0-9._-]{3,32}", username):
        return "A username is 3 to 32 letters, digits, dots, dashes or underscores."
    if len(email) > 254 or not re.fullmatch(r"[^@\s]+@[^@\s.][^@\s]*\.[^@\s]*[^@\s.]", email):
        return "Please enter a valid e-mail address."
    if len(password) < 8:
        return "A password needs at least 8 characters."
    if len(password) > 1024:
        return "A password can have at most 1024 characters."
    if password.lower() in COMMON_PASSWORDS:
        return "That password is one of the most common ones; please choose another."
    return None


@app.route("/register", methods=["GET", "POST"])
def register():
    if request.method == "GET":
        return render_template("register.html")
    username = request.form.get("username", "").strip()
    email = request.form.get("email", "").strip()
    password = request.form.get("password", "")
    if message := problem(username, email, password):
        return render_template("register.html", error=message, username=username, email=email), 422
    db.session.add(User(username=username, email=email, password_hash=hasher.hash(password)))
    try:
        db.session.commit()  # one INSERT: all of it, or nothing
    except IntegrityError as error:
        db.session.rollback()
        if "users.email" in str(error.orig):
            message = "That e-mail address is already registered."
        else:
            message = "That username is taken; please choose another."
        return render_template("register.html", error=message, username=username, email=email), 409
    flash(f"Welcome, {username}! You can log in now.", "success")
    return redirect(url_for("login"), code=303)
# ANCHOR_END: register


# ANCHOR: login
@app.route("/login", methods=["GET", "POST"])
def login():
    next_url = request.values.get("next", "")
    if request.method == "GET":
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
    # `session.clear()` keeps the session's id, and so its row: a new id first, the old row gone.
    app.session_interface.regenerate(session)
    session.clear()
    login_user(user, remember="remember" in request.form)
    flash(f"Logged in as {user.username}.", "success")
    return redirect(next_url if is_safe(next_url) else url_for("protected"), code=303)


@user_loaded_from_cookie.connect_via(app)
def new_session_id(sender, user):
    """A login by the remember cookie gets a new session id too: the old one may be planted."""
    app.session_interface.regenerate(session)
# ANCHOR_END: login


@app.get("/protected")
@login_required
def protected():
    return render_template("protected.html")


@app.get("/settings")
@fresh_login_required
def settings():
    return render_template("settings.html")


@app.get("/logout")
def logout_page():
    return render_template("logout.html")


# ANCHOR: logout
@app.post("/logout")
def logout():
    session.clear()  # an empty session: Flask-Session deletes its row, and the cookie
    logout_user()
    return redirect(url_for("login"), code=303)
# ANCHOR_END: logout


@app.get("/session")
def show_session():
    entries = sorted((key, json.dumps(value)) for key, value in session.items())
    return render_template("session.html", entries=entries)


# ANCHOR: sessions
# Flask-Session's table keeps each session under its id, with no owner column. So the session
# keeps its own browser and times, and the list reads every live row to find the user's own.
@app.after_request
def track(response):
    if current_user.is_authenticated:
        session.setdefault("_user_agent", request.headers.get("User-Agent", "")[:200])
        session.setdefault("_signed_in", int(time.time()))
        session["_last_seen"] = int(time.time())
    return response


def sessions_of(user):
    """The user's live sessions: (row, dictionary), out of Flask-Session's table."""
    store = app.session_interface
    Row = store.sql_session_model
    for row in Row.query.filter(Row.expiry > datetime.utcnow()):  # naive UTC, as Flask-Session
        data = store.serializer.decode(row.data)
        if data.get("_user_id") == user.get_id():
            yield row, data


def this_session(row):
    return row.session_id == app.session_interface.key_prefix + session.sid


@app.get("/sessions")
@login_required
def sessions():
    mine = [dict(data, current=this_session(row)) for row, data in sessions_of(current_user)]
    mine.sort(key=lambda s: s.get("_last_seen", 0), reverse=True)
    return render_template("sessions.html", sessions=mine)


@app.post("/sessions/end-others")
@login_required
def end_other_sessions():
    others = [row for row, _ in sessions_of(current_user) if not this_session(row)]
    for row in others:
        db.session.delete(row)
    db.session.commit()
    flash(f"Ended {len(others)} other session{'' if len(others) == 1 else 's'}.", "success")
    return redirect(url_for("sessions"), code=303)


@app.template_filter()
def when(unix):
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(unix))
# ANCHOR_END: sessions


if __name__ == "__main__":
    app.run(port=int(os.environ.get("PORT", 8112)))  # `just flask 12`: the lesson's port + 100
