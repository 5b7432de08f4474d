"""The blueprint of signing in, accounts, invitations and the second factor."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("auth", __name__)
