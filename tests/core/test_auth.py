import pytest

from core.data.models import ROLES, User
from core.errors import AuthError, PermissionDenied
from core.site.auth import PERMISSIONS, add_user, check_pin, login, login_badge, may, require


def test_pins_are_salted_scrypt_hashes(database):
    add_user("U1", "picker", "1234")
    add_user("U2", "picker", "1234")
    a, b = User.get(User.code == "U1").pin_hash, User.get(User.code == "U2").pin_hash
    assert a.startswith("scrypt$") and "1234" not in a and a != b
    assert check_pin("1234", a) and not check_pin("1235", a)


def test_five_wrong_pins_lock_the_user(database):
    add_user("U1", "picker", "1234")
    for _ in range(4):
        with pytest.raises(AuthError, match="wrong PIN"):
            login("U1", "0000")
    with pytest.raises(AuthError, match="locked"):
        login("U1", "0000")
    with pytest.raises(AuthError, match="locked"):
        login("U1", "1234")  # even the right PIN, while locked


def test_badge_and_code_login(database):
    add_user("U1", "supervisor", "4321", badge="B-77")
    assert login_badge("B-77", "PICK-1").user == "U1"
    actor = login("U1", "4321", "PICK-1")
    assert actor.role == "supervisor" and actor.station == "PICK-1"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(PERMISSIONS))
def test_every_role_and_action(role, action):
    from core.site.actor import Actor

    allowed = role == "admin" or role in PERMISSIONS[action]
    assert may(role, action) is allowed
    if allowed:
        require(Actor("X", role), action)
    else:
        with pytest.raises(PermissionDenied):
            require(Actor("X", role), action)
