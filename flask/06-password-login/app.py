import os
from datetime import timedelta

from argon2 import PasswordHasher  # argon2-cffi
from argon2.exceptions import VerificationError
from flask import Flask, redirect, render_template, request, session, url_for

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


@app.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        username = request.form.get("username", "")
        password = request.form.get("password", "")
        if not username.strip() or not password:
            error = "Please enter a username and a password."
            return render_template("login.html", error=error, username=username), 400
        user = check(username.strip(), password)
        if user is None:  # the form again, the name filled in, one message for both failures
            error = "Wrong username or password."
            return render_template("login.html", error=error, username=username), 401
        session.clear()  # a new session: nothing carried over
        session["username"] = user["name"]  # the name, never the password
        return redirect(url_for("index"), code=303)
    if session.get("username") in users:
        return redirect(url_for("index"), code=303)
    return render_template("login.html")


@app.get("/")
def index():
    user = users.get(session.get("username"))
    if user is None:
        return redirect(url_for("login"), code=303)
    return render_template("index.html", user=user)


@app.get("/logout")
def logout():
    session.clear()
    return redirect(url_for("login"), code=303)


@app.get("/session")
def show_session():  # read-only: only the server writes who you are
    return render_template("session.html", entries=sorted(session.items()))


if __name__ == "__main__":
    app.run(port=int(os.environ.get("PORT", 8106)))
