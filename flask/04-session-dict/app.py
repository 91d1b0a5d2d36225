import os

from flask import Flask, redirect, render_template, request, session, url_for

app = Flask(__name__)
app.secret_key = os.environ["SECRET_KEY"]
app.config.update(
    SESSION_COOKIE_SAMESITE="Lax",  # HttpOnly is already Flask's default
    SESSION_COOKIE_SECURE=os.environ.get("SESSION_COOKIE_SECURE") == "1",
)
MAX_NAME = 64


@app.get("/")
def index():
    return render_template("index.html", username=session.get("username"))


@app.get("/login")
def login_form():
    return render_template("login.html")


@app.post("/login")
def login():
    username = request.form.get("username", "").strip()
    if not 1 <= len(username) <= MAX_NAME:
        error = f"Please enter a name of 1 to {MAX_NAME} characters."
        return render_template("login.html", error=error, username=username), 400
    session["username"] = username
    return redirect(url_for("index"), code=303)


@app.get("/logout")
def logout():
    session.pop("username", None)  # None: no KeyError when nobody is logged in
    return redirect(url_for("index"), code=303)


def session_page(error=None, status=200):
    return render_template("session.html", entries=sorted(session.items()), error=error), status


@app.get("/session")
def show_session():
    return session_page()


@app.post("/session/insert")
def insert():
    key = request.form.get("key", "")
    if not key.strip():
        return session_page("A key is required.", 400)
    session[key] = request.form.get("value", "")
    return redirect(url_for("show_session"), code=303)


@app.post("/session/remove")
def remove():
    session.pop(request.form.get("key", ""), None)
    return redirect(url_for("show_session"), code=303)


@app.post("/session/clear")
def clear():
    session.clear()
    return redirect(url_for("show_session"), code=303)


if __name__ == "__main__":
    app.run(port=int(os.environ.get("PORT", 8104)))  # `just flask 04`: the lesson's port + 100
