# ANCHOR: setup
import os
from datetime import timedelta

from argon2 import PasswordHasher  # argon2-cffi
from argon2.exceptions import VerificationError
from flask import Flask, flash, redirect, render_template, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user

app = Flask(__name__)
app.secret_key = os.environ["SECRET_KEY"]
app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
app.permanent_session_lifetime = timedelta(minutes=5)  # lesson 05's lifetime
hasher = PasswordHasher()  # verify() reads the parameters from each hash
# ANCHOR_END: setup

# The Rust lesson's PHC strings, as they are: aaa / open-sesame, bbb / 0000, user1 / mypassword.
users = {
    "aaa": {
        "name": "aaa",
        "password": "$argon2id$v=19$m=19456,t=2,p=1$LK4ZyqcGhEhq+n+ZvMX1AA$rpaoESL0TPDWuoSWQJNm8XpzSXWEkFblZYsccOoyw3Y",
        "other": "likes long walks",
    },
    "bbb": {
        "name": "bbb",
        "password": "$argon2id$v=19$m=19456,t=2,p=1$E2tlYFwY//0Qkn60XIqzCQ$9H1yHLfu7vOIomP9Yj2G4OKN2rhGVM29XL2iRLlbSfA",
        "other": "x...",
    },
    "user1": {
        "name": "user1",
        "password": "$argon2id$v=19$m=19456,t=2,p=1$YIxTCDkufcv4BfwLVtoHhQ$raeiY6P3z6I6T76E6eRKSqGuKU767bGJ6JTnsEeHAgs",
        "other": "the Flask-Login tutorial's user",
    },
}
# A thrown-away password's hash: an unknown user costs the same work.
DUMMY = "$argon2id$v=19$m=19456,t=2,p=1$+U6DCE4+lnwb7N2JBHGy1g$NSMZM7u44yOPW34WbpobpsePnZQ7sfc6Fyo8esagJyU"


def check(username, password):
    user = users.get(username)
    try:
        hasher.verify(user["password"] if user else DUMMY, password)
    except VerificationError:
        return None
    return user


# ANCHOR: manager
login_manager = LoginManager(app)
login_manager.login_view = "login"  # where login_required sends anonymous visitors
login_manager.login_message = "Please log in to access this page."  # flashed when it does
login_manager.login_message_category = "info"


class User(UserMixin):
    def __init__(self, id):
        self.id = id  # what get_id() returns: the session keeps it as _user_id
        self.other = users[id]["other"]


@login_manager.user_loader
def load_user(user_id):
    return User(user_id) if user_id in users else None  # None: the visitor is anonymous
# ANCHOR_END: manager


@app.get("/")
def index():
    return render_template("index.html")  # every template gets current_user


# ANCHOR: login
@app.route("/login", methods=["GET", "POST"])
def login():
    next_url = request.values.get("next")  # ?next= on the GET, the hidden field on the POST
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        password = request.form.get("password", "")
        if not username or not password:
            flash("Please enter a username and a password.", "error")
            return redirect(url_for("login", next=next_url or None), code=303)
        user = check(username, password)
        if user is None:
            flash("Wrong username or password.", "error")
            return redirect(url_for("login", next=next_url or None), code=303)
        login_user(User(user["name"]))  # into the session it finds, whatever that holds
        flash(f"Logged in as {user['name']}.", "success")
        return redirect(next_url or url_for("protected"), code=303)  # next unchecked
    if current_user.is_authenticated:
        return redirect(next_url or url_for("protected"), code=303)
    return render_template("login.html", next=next_url)


@app.get("/protected")
@login_required
def protected():
    return render_template("protected.html")  # "Logged in as {{ current_user.id }}"


@app.get("/logout")
def logout():
    logout_user()  # pops Flask-Login's keys from the session
    return redirect(url_for("login"), code=303)
# ANCHOR_END: login


@app.get("/session")
def show_session():  # read-only: only the server writes who you are
    return render_template("session.html", entries=sorted(session.items()))


if __name__ == "__main__":
    app.run(port=int(os.environ.get("PORT", 8108)))
