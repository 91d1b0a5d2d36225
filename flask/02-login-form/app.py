import os

from flask import Flask, redirect, render_template, request, url_for

app = Flask(__name__)
MAX_NAME = 64


@app.get("/")
def index():
    # None when the browser sent no such cookie; the template escapes the name.
    return render_template("index.html", username=request.cookies.get("username"))


@app.get("/login")
def login_form():
    if "username" in request.cookies:
        return redirect(url_for("index"), code=303)
    return render_template("login.html")


@app.post("/login")
def login():
    username = request.form.get("username", "").strip()
    if not 1 <= len(username) <= MAX_NAME:
        error = f"Please enter a name of 1 to {MAX_NAME} characters."
        return render_template("login.html", error=error, username=username), 400
    resp = redirect(url_for("index"), code=303)
    resp.set_cookie("username", username, httponly=True, samesite="Lax")
    return resp


@app.get("/logout")
def logout():
    resp = redirect(url_for("login_form"), code=303)
    resp.delete_cookie("username")
    return resp


if __name__ == "__main__":
    app.run(port=int(os.environ.get("PORT", 8102)))  # `just flask 02`: the lesson's port + 100
