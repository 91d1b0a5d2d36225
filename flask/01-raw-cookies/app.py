import os

from flask import Flask, make_response, request
from markupsafe import escape

app = Flask(__name__)


@app.get("/")
def index():
    username = request.cookies.get("username")  # None when the browser sent no such cookie
    return f"<h1>Hello, {escape(username or 'Guest')}!</h1>"


@app.get("/set_cookie/<username>")
def set_cookie(username):
    resp = make_response(f"<h1>Cookie set for {escape(username)}</h1>")
    resp.set_cookie("username", username, httponly=True, samesite="Lax")
    return resp


@app.get("/delete_cookie")
def delete_cookie():
    resp = make_response("<h1>Cookie has been deleted</h1>")
    resp.delete_cookie("username")
    return resp


if __name__ == "__main__":
    app.run(port=int(os.environ.get("PORT", 8101)))  # `just flask 01`: the lesson's port + 100
