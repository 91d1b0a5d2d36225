import os

from flask import Flask, redirect, render_template, request, url_for
from itsdangerous import BadSignature, Signer

app = Flask(__name__)
app.secret_key = os.environ["SECRET_KEY"]  # from the environment, never written in the code
signer = Signer(app.secret_key, salt="username-cookie")
MAX_NAME = 64


def signed_user():
    """The name in the `username` cookie if its signature is good, else None."""
    value = request.cookies.get("username")
    if value is None:
        return None
    try:
        return signer.unsign(value).decode()
    except BadSignature:  # changed, or signed with another key: as if there were no cookie
        return None


@app.get("/")
def index():
    return render_template("index.html", username=signed_user())


@app.get("/login")
def login_form():
    if signed_user() is not None:
        return redirect(url_for("index"), code=303)
    return render_template("login.html")


@app.post("/login")
def login():
    username = request.form.get("username", "").strip()
    if not 1 <= len(username) <= MAX_NAME:
        error = f"Please enter a name of 1 to {MAX_NAME} characters."
        return render_template("login.html", error=error, username=username), 400
    resp = redirect(url_for("index"), code=303)
    resp.set_cookie("username", signer.sign(username).decode(), httponly=True, samesite="Lax")
    return resp


@app.get("/logout")
def logout():
    resp = redirect(url_for("login_form"), code=303)
    resp.delete_cookie("username")
    return resp


if __name__ == "__main__":
    app.run(port=int(os.environ.get("PORT", 8103)))  # `just flask 03`: the lesson's port + 100
