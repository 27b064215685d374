"""An unknown user and a wrong password get the same answer after the same work: one argon2
verification each (counted on the hasher, never timed)."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from dashboard.security import passwords
from dashboard.security.auth import WRONG_CREDENTIALS
from tests.conftest import make_user

pytestmark = pytest.mark.security


class CountingHasher(PasswordHasher):
    def __init__(self) -> None:
        super().__init__()
        self.verifications = 0

    def verify(self, hash, password):  # noqa: A002 - argon2's own parameter name
        self.verifications += 1
        return super().verify(hash, password)


@pytest.fixture
def hasher(monkeypatch) -> CountingHasher:
    counting = CountingHasher()
    monkeypatch.setattr(passwords, "hasher", counting)
    return counting


def test_unknown_user_wrong_password_and_no_password_cost_one_verification_each(
    auth, engine, login_user_id, hasher
):
    make_user(engine, "carol")  # exists, but has no password yet
    answers = []
    for username, password in (
        ("nobody-by-this-name", "correct horse battery"),
        ("alice", "not the password"),
        ("carol", "correct horse battery"),
        ("alice", "x" * (passwords.MAX_LENGTH + 1)),
    ):
        before = hasher.verifications
        response = auth.login(username, password)
        assert hasher.verifications - before == 1, username
        answers.append((response.status_code, WRONG_CREDENTIALS in response.get_data(as_text=True)))
    assert answers == [(200, True)] * 4


def test_the_right_password_also_costs_one_verification(auth, login_user_id, hasher):
    assert auth.login().status_code == 302
    assert hasher.verifications == 1
