import os
from datetime import timedelta

from argon2 import PasswordHasher  # argon2-cffi
from argon2.exceptions import VerificationError
from flask import Flask, flash, redirect, render_template, request, session, url_for

app = Flask(__name__)
app.secret_key = os.environ["SECRET_KEY"]
app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
app.permanent_session_lifetime = timedelta(minutes=5)  # lesson 05's lifetime
hasher = PasswordHasher()  # verify() reads the parameters from each hash

# The Rust lesson's PHC strings, as they are: aaa / open-sesame, bbb / 0000.
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


# ANCHOR: login
@app.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        password = request.form.get("password", "")
        if not username or not password:
            flash("Please enter a username and a password.", "error")
            return redirect(request.url, code=303)
        user = check(username, password)
        if user is None:
            flash("Wrong username or password.", "error")  # waits in the session...
            return redirect(request.url, code=303)  # ...for the page this leads to
        session.clear()
        session["username"] = user["name"]
        flash(f"Welcome, {user['name']}!", "success")  # after the clear: in the new session
        return redirect(url_for("index"), code=303)
    if session.get("username") in users:
        return redirect(url_for("index"), code=303)
    return render_template("login.html")
# ANCHOR_END: login


@app.get("/")
def index():
    user = users.get(session.get("username"))
    if user is None:
        return redirect(url_for("login"), code=303)
    return render_template("index.html", user=user)


# ANCHOR: logout
@app.get("/logout")
def logout():
    session.clear()
    flash("You have logged out.", "info")  # after the clear: the message goes in the new session
    return redirect(url_for("login"), code=303)
# ANCHOR_END: logout


@app.get("/session")
def show_session():  # read-only: only the server writes who you are
    return render_template("session.html", entries=sorted(session.items()))


if __name__ == "__main__":
    app.run(port=int(os.environ.get("PORT", 8107)))
