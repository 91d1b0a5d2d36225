import json
import os
import re
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import unquote, urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from flask import Flask, abort, flash, redirect, render_template, request, session, url_for
from flask_login import (LoginManager, UserMixin, current_user, fresh_login_required, login_fresh,
                         login_required, login_user, logout_user)
from flask_session.base import ServerSideSessionInterface
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

app = Flask(__name__)
app.config.update(
    SECRET_KEY=os.environ["SECRET_KEY"],
    SQLALCHEMY_DATABASE_URI=os.environ.get("DATABASE_URL", "sqlite://"),  # in memory unless set
    PERMANENT_SESSION_LIFETIME=timedelta(minutes=5),  # how long a session row lives unused
    SESSION_COOKIE_SAMESITE="Lax",
    REMEMBER_COOKIE_DURATION=timedelta(days=14),
    REMEMBER_COOKIE_SAMESITE="Lax",
    REMEMBER_COOKIE_HTTPONLY=True,
)
db = SQLAlchemy(app)
hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)  # as the Rust lesson
COMMON_PASSWORDS = set(
    (Path(__file__).parent / "../../shared/src/common-passwords.txt").read_text().split())
login_manager = LoginManager(app)
login_manager.login_view = login_manager.refresh_view = "login"
login_manager.login_message = "Please log in to access this page."
login_manager.login_message_category = "info"
login_manager.needs_refresh_message = "Please give your password again to access this page."
login_manager.needs_refresh_message_category = "info"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(32, collation="NOCASE"), unique=True, nullable=False)
    email = db.Column(db.String(254, collation="NOCASE"), unique=True, nullable=False)
    password_hash = db.Column(db.String, nullable=False)


@login_manager.user_loader
def load_user(user_id):
    return db.session.get(User, int(user_id))


# Lesson 12's sessions: Flask-Session's store, with the owner and the browser in columns.
class SessionRow(db.Model):
    __tablename__ = "sessions"
    id = db.Column(db.String, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    state = db.Column(db.LargeBinary, nullable=False)
    user_agent = db.Column(db.String)
    created_at = db.Column(db.Integer, nullable=False)
    last_seen = db.Column(db.Integer, nullable=False)
    expires_at = db.Column(db.Integer, nullable=False, index=True)


class SessionStore(ServerSideSessionInterface):
    ttl = False  # rows expire by `expires_at`, checked on every load

    def _retrieve_session_data(self, store_id):
        row = db.session.get(SessionRow, store_id)
        if row is None or row.expires_at <= time.time():
            return None
        return self.serializer.decode(row.state)

    def _delete_session(self, store_id):
        db.session.execute(db.delete(SessionRow).where(SessionRow.id == store_id))
        db.session.commit()

    def _upsert_session(self, lifetime, session, store_id):
        now = int(time.time())
        row = db.session.get(SessionRow, store_id) or SessionRow(id=store_id, created_at=now)
        row.state = self.serializer.encode(session)
        row.user_id = session.get("_user_id")
        row.user_agent = request.user_agent.string
        row.last_seen, row.expires_at = now, now + int(lifetime.total_seconds())
        db.session.add(row)
        db.session.commit()

    def _delete_expired_sessions(self):
        db.session.execute(db.delete(SessionRow).where(SessionRow.expires_at <= time.time()))
        db.session.commit()


# ANCHOR: woofs
class Woof(db.Model):
    __tablename__ = "woofs"
    __table_args__ = (db.CheckConstraint("length(body) BETWEEN 1 AND 280"),)
    id = db.Column(db.Integer, primary_key=True)
    author_id = db.Column(db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    body = db.Column(db.String(280), nullable=False)
    created_at = db.Column(db.Integer, nullable=False, default=lambda: int(time.time()))
    author = db.relationship("User")


def newest_first(query):
    return query.order_by(Woof.created_at.desc(), Woof.id.desc()).limit(50).all()


@app.get("/")
def timeline():
    return timeline_page()


def timeline_page(error=None, draft=""):  # after a refused woof: the reason and the text
    return render_template("index.html", error=error, draft=draft, woofs=newest_first(Woof.query),
                           users=User.query.order_by(User.username).all())


@app.get("/dogs/<username>")
def dog(username):
    dog = User.query.filter_by(username=username).first()
    if dog is None:
        abort(404, "There is no dog of that name.")
    return render_template("dog.html", dog=dog.username,
                           woofs=newest_first(Woof.query.filter_by(author=dog)))


@app.post("/woofs")
@login_required
def post_woof():
    body = request.form.get("body", "").strip()
    if not 1 <= len(body) <= 280:
        error = ("A woof has at most 280 characters." if body
                 else "A woof needs at least one character.")
        return timeline_page(error, request.form.get("body", "")), 422
    db.session.add(Woof(author_id=current_user.id, body=body))
    db.session.commit()
    flash("Woof!", "success")
    return redirect(url_for("timeline"), code=303)


@app.post("/woofs/<int:woof_id>/delete")
@login_required
def delete_woof(woof_id):
    woof = db.session.get(Woof, woof_id)
    if woof is None:
        abort(404, "There is no such woof.")
    if woof.author_id != current_user.id:
        abort(403, "You can only delete your own woofs.")
    db.session.delete(woof)
    db.session.commit()
    flash("Woof deleted.", "success")
    return redirect(url_for("timeline"), code=303)
# ANCHOR_END: woofs


with app.app_context():
    db.create_all()
    if not User.query.first():  # lesson 08's user1 / mypassword, the Rust lesson's hash
        db.session.add(User(username="user1", email="user1@example.com", password_hash=(
            "$argon2id$v=19$m=19456,t=2,p=1$YIxTCDkufcv4BfwLVtoHhQ"
            "$raeiY6P3z6I6T76E6eRKSqGuKU767bGJ6JTnsEeHAgs")))
        db.session.commit()
app.session_interface = SessionStore(app, key_prefix="", permanent=False, cleanup_n_requests=100)


@app.template_filter("when")
def when(timestamp):
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


@app.errorhandler(HTTPException)
def error_page(error):
    return render_template("error.html", error=error), error.code


# Lessons 06 to 12: registering, logging in and out, and the pages behind the login.
def problem(username, email, password):
    if not re.fullmatch(r"[A-Za-z0-9._-]{3,32}", username):
        return "A username is 3 to 32 letters, digits, dots, dashes or underscores."
    if not re.fullmatch(r"[^@\s]+@[^@\s.][^@\s]*\.[^@\s]*[^@\s.]", email) or len(email) > 254:
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
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        if "users.email" in str(error.orig):
            message = "That e-mail address is already registered."
        else:
            message = "That username is taken; please choose another."
        return render_template("register.html", error=message, username=username, email=email), 409
    flash(f"Welcome, {username}! You can log in now.", "success")
    return redirect(url_for("login"), code=303)


def is_safe(next_url):
    for url in (next_url, unquote(next_url)):
        if not url.startswith("/") or url.startswith("//") or "\\" in url:
            return False
        if urlsplit(url).scheme or urlsplit(url).netloc:
            return False
    return next_url.isascii() and next_url.isprintable() and " " not in next_url


# An unknown user is checked against this hash too, so it takes as long as a known one.
DUMMY_HASH = ("$argon2id$v=19$m=19456,t=2,p=1$+U6DCE4+lnwb7N2JBHGy1g"
              "$NSMZM7u44yOPW34WbpobpsePnZQ7sfc6Fyo8esagJyU")


def check(username, password):
    user = User.query.filter_by(username=username.strip()).first()
    try:
        hasher.verify(user.password_hash if user else DUMMY_HASH, password)
    except VerificationError:
        return None
    return user


@app.route("/login", methods=["GET", "POST"])
def login():
    next_url = request.values.get("next", "")
    if request.method == "GET":
        if current_user.is_authenticated and login_fresh():
            return redirect(next_url if is_safe(next_url) else url_for("protected"), code=303)
        return render_template("login.html", next=next_url)
    username, password = request.form.get("username", ""), request.form.get("password", "")
    if not username.strip() or not password:
        flash("Please enter a username and a password.", "error")
        return redirect(url_for("login", next=next_url or None), code=303)
    user = check(username, password)
    if user is None:
        flash("Wrong username or password.", "error")
        return redirect(url_for("login", next=next_url or None), code=303)
    app.session_interface.regenerate(session)  # a new session id...
    session.clear()  # ...and nothing kept from before the login
    login_user(user, remember="remember" in request.form)
    flash(f"Logged in as {user.username}.", "success")
    return redirect(next_url if is_safe(next_url) else url_for("protected"), code=303)


@app.get("/logout")
def logout_page():
    return render_template("logout.html")


@app.post("/logout")
def logout():
    session.clear()
    logout_user()  # after the clear: it also asks for the remember cookie to be removed
    return redirect(url_for("login"), code=303)


@app.get("/protected")
@login_required
def protected():
    return render_template("protected.html", fresh=login_fresh())


@app.get("/settings")
@fresh_login_required
def settings():
    return render_template("settings.html")


@app.get("/session")
def show_session():
    entries = sorted((key, json.dumps(value)) for key, value in session.items())
    return render_template("session.html", entries=entries)


@app.get("/sessions")
@login_required
def sessions():
    rows = SessionRow.query.filter(SessionRow.user_id == current_user.id,
                                   SessionRow.expires_at > time.time())
    return render_template("sessions.html", sessions=rows.order_by(SessionRow.last_seen.desc()),
                           current=session.sid)


@app.post("/sessions/end-others")
@login_required
def end_other_sessions():
    ended = SessionRow.query.filter(SessionRow.user_id == current_user.id,
                                    SessionRow.id != session.sid).delete()
    db.session.commit()
    flash(f"Ended {ended} other session{'' if ended == 1 else 's'}.", "success")
    return redirect(url_for("sessions"), code=303)


if __name__ == "__main__":
    app.run(port=int(os.environ.get("PORT", 8113)))  # `just flask 13`: the lesson's port + 100
