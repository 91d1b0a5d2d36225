import hashlib
import hmac
import json
import os
import re
import secrets
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jwt  # PyJWT
from argon2 import PasswordHasher  # argon2-cffi
from argon2.exceptions import VerificationError
from flask import (
    Flask,
    abort,
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import (
    LoginManager,
    UserMixin,
    current_user,
    fresh_login_required,
    login_fresh,
    login_required,
    login_url,
    login_user,
    logout_user,
    user_loaded_from_cookie,
)
from flask_session import Session
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

# ANCHOR: model
app = Flask(__name__)
app.secret_key = os.environ["SECRET_KEY"]
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]  # just flask 16: data/flask-16.db
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


# ANCHOR: woof
class Woof(db.Model):
    __tablename__ = "woofs"
    __table_args__ = (db.CheckConstraint("length(body) BETWEEN 1 AND 280"),)
    id = db.Column(db.Integer, primary_key=True)
    author_id = db.Column(db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    body = db.Column(db.String(280), nullable=False)
    created_at = db.Column(db.Integer, nullable=False, default=lambda: int(time.time()))
    author = db.relationship("User")
# ANCHOR_END: woof


# ANCHOR: token_model
class ApiToken(db.Model):
    __tablename__ = "api_tokens"
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    name = db.Column(db.String(64), nullable=False)
    token_hash = db.Column(db.String(64), unique=True, nullable=False)  # never the token
    created_at = db.Column(db.Integer, nullable=False, default=lambda: int(time.time()))
    last_used = db.Column(db.Integer)


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()
# ANCHOR_END: token_model


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
# ANCHOR: csrf
# Every POST, PUT, PATCH and DELETE must carry the form's `csrf_token` (a template puts it there
# with `{{ csrf_token() }}`); a missing or wrong one is a CSRFError, 400, before the view runs.
# Checked by `check_csrf` below, where a good API token needs none.
app.config["WTF_CSRF_CHECK_DEFAULT"] = False
csrf = CSRFProtect(app)
# ANCHOR_END: csrf
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


# ANCHOR: jwt
JWT_LIFETIME = 15 * 60
# Derived from SECRET_KEY, not SECRET_KEY itself: a JWT's signature and a cookie's can never
# stand in for each other. A new SECRET_KEY ends every JWT, as it ends every session.
JWT_KEY = hmac.new(app.secret_key.encode(), b"session-lessons: the HS256 key for JWTs",
                   "sha256").digest()


def jwt_subject(token):
    """The user id a JWT signed here names, or None: expired, tampered, `alg: none`, ..."""
    try:
        claims = jwt.decode(token, JWT_KEY, algorithms=["HS256"],
                            options={"require": ["exp", "iat", "sub"]})
    except jwt.InvalidTokenError:
        return None
    return int(claims["sub"])
# ANCHOR_END: jwt


def api_token_owner(token):
    """The user id of an API token, or None. Each use is recorded, for the tokens page."""
    row = ApiToken.query.filter_by(token_hash=sha256(token)).first()
    if row is None:
        return None
    row.last_used = int(time.time())
    db.session.commit()
    return row.user_id


# ANCHOR: request_loader
def token_user():
    """The user of this request's `Authorization: Bearer <token>`, or None; asked once."""
    if "token_user" not in g:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        user_id = None
        if scheme.lower() == "bearer" and token.startswith("woof_"):  # an API token: look it up
            user_id, g.carrier = api_token_owner(token), "api token"
        elif scheme.lower() == "bearer" and token:  # else a JWT: check it, no lookup
            user_id, g.carrier = jwt_subject(token), "jwt"
        g.token_user = db.session.get(User, user_id) if user_id else None
    return g.token_user


# Flask-Login asks it last: only when neither the session nor a remember cookie names a user.
@login_manager.request_loader
def load_user_from_request(request):
    user = token_user()
    if user:
        g.via = g.carrier
    return user
# ANCHOR_END: request_loader


# ANCHOR: unauthorized
def wants_json():
    return request.path.startswith("/api/") or "Authorization" in request.headers


def error_401(message):
    response = jsonify(error=message)
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="session-lessons API"'
    return response


def to_login(message, category):  # what Flask-Login does without a handler
    flash(message, category)
    return redirect(login_url(login_manager.login_view, request.url))


@login_manager.unauthorized_handler  # for login_required
def unauthorized():
    if wants_json():
        return error_401("Authentication required: send `Authorization: Bearer <token>`, "
                         "with an API token from /tokens or a JWT from POST /api/token.")
    return to_login(login_manager.login_message, login_manager.login_message_category)


@login_manager.needs_refresh_handler  # for fresh_login_required
def needs_refresh():
    if wants_json():
        return error_401("This page needs a login with the password, in a browser; "
                         "a token is not enough.")
    return to_login(login_manager.needs_refresh_message,
                    login_manager.needs_refresh_message_category)
# ANCHOR_END: unauthorized


# ANCHOR: csrf_check
@app.before_request
def check_csrf():
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    if token_user():
        return  # a good token: its own credentials, which no other site can make a browser send
    if request.path.startswith("/api/") and not current_user.is_authenticated:
        return  # nobody: login_required answers 401
    csrf.protect()  # the browser's cookies: the form must carry the session's csrf_token
# ANCHOR_END: csrf_check


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


# ANCHOR: woofs
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


@app.errorhandler(HTTPException)
def error_page(error):  # abort(403, "..."): the status, and the sentence on a page
    if request.path.startswith("/api/"):
        return jsonify(error=error.description), error.code  # or in JSON, for a program
    return render_template("error.html", error=error), error.code
# ANCHOR_END: woofs


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
    if session.get("_user_id"):  # a login the session holds; a token's is not kept there
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
    if not session:  # signed in by a token: no session of this request's to keep
        abort(400, "This request has no session.")
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


# ANCHOR: tokens
def tokens_page(status=200, **shown):
    rows = ApiToken.query.filter_by(user_id=current_user.id).order_by(
        ApiToken.created_at.desc(), ApiToken.id.desc()).all()
    # The curl example names this server as configured, never as the request's Host header says.
    site_url = f"http://127.0.0.1:{os.environ.get('PORT', 8116)}"
    page = make_response(render_template("tokens.html", tokens=rows, site_url=site_url, **shown),
                         status)
    page.headers["Cache-Control"] = "no-store"  # a page that shows a token stays in no cache
    return page


@app.get("/tokens")
@fresh_login_required
def tokens():
    return tokens_page()


@app.post("/tokens")
@fresh_login_required
def create_token():
    name = request.form.get("name", "").strip()
    if not name:
        return tokens_page(422, error="Please give the token a name, "
                                      "such as the script that will use it.")
    if len(name) > 64:
        return tokens_page(422, error="A token's name has at most 64 characters.")
    token = "woof_" + secrets.token_urlsafe(48)
    db.session.add(ApiToken(user_id=current_user.id, name=name, token_hash=sha256(token)))
    db.session.commit()
    return tokens_page(201, new_name=name, new_token=token)  # shown this once


@app.post("/tokens/<int:token_id>/revoke")
@fresh_login_required
def revoke_token(token_id):
    if not ApiToken.query.filter_by(id=token_id, user_id=current_user.id).delete():
        abort(404, "You have no such token.")  # someone else's too: none of this dog's business
    db.session.commit()
    flash("Token revoked.", "success")
    return redirect(url_for("tokens"), code=303)
# ANCHOR_END: tokens


# ANCHOR: api
@app.get("/api/me")
@login_required
def api_me():
    return jsonify(id=current_user.id, username=current_user.username, email=current_user.email,
                   via=g.get("via", "session cookie"))


@app.get("/api/woofs")
@login_required
def api_timeline():
    return jsonify(woofs=[{"id": w.id, "author_id": w.author_id, "author": w.author.username,
                           "body": w.body, "posted": when(w.created_at)}
                          for w in newest_first(Woof.query)])


@app.post("/api/woofs")
@login_required
def api_post_woof():
    body = request.form.get("body", "").strip()
    if not 1 <= len(body) <= 280:
        abort(422, "A woof has at most 280 characters." if body
              else "A woof needs at least one character.")
    woof = Woof(author_id=current_user.id, body=body)
    db.session.add(woof)
    db.session.commit()
    return jsonify(id=woof.id, body=woof.body), 201
# ANCHOR_END: api


# ANCHOR: token
@app.post("/api/token")
def api_token():
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    if not username or not password:
        abort(400, "Send the form fields username and password.")
    user = check(username, password)  # the login form's slow Argon2 check
    if user is None:
        return jsonify(error="Wrong username or password."), 401
    now = int(time.time())
    token = jwt.encode({"sub": str(user.id), "iat": now, "exp": now + JWT_LIFETIME}, JWT_KEY,
                       algorithm="HS256")
    answer = jsonify(access_token=token, token_type="Bearer", expires_in=JWT_LIFETIME)
    answer.headers["Cache-Control"] = "no-store"  # RFC 6749: an answer with a token is not cached
    return answer
# ANCHOR_END: token


if __name__ == "__main__":
    app.run(port=int(os.environ.get("PORT", 8116)))  # `just flask 16`: the lesson's port + 100
