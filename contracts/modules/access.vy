# pragma version ~=0.4.3
"""
@title Roles
@custom:contract-name access
@license EUPL-1.2
@notice The six city roles of WESH and who holds them. An address can hold
        several roles; each role is one bit of `roles_of(account)`.
@dev The admin grants and revokes every role, itself included, but the last
     admin can never be removed, so the contract cannot be orphaned. In
     production the admin is a multisig. Checks take the acting address as an
     argument, so that the caller decides how the actor is found (see
     `Heitje._actor`).
"""


# Grants and revokes roles, sets parameters, pauses.
ROLE_ADMIN: constant(uint256) = 1
# Registers citizens, deactivates them, moves them to a new wallet.
ROLE_REGISTRAR: constant(uint256) = 2
# Onboards merchants (city-centre management).
ROLE_MERCHANT_MANAGER: constant(uint256) = 4
# Commissions and cancels tasks.
ROLE_TASK_MANAGER: constant(uint256) = 8
# Approves and rejects submitted work, decides appeals.
ROLE_REVIEWER: constant(uint256) = 16
# Grants budget and marks merchant cash-outs paid.
ROLE_TREASURER: constant(uint256) = 32
# Every role bit together.
ALL_ROLES: constant(uint256) = 63


# The roles each address holds, one bit a role.
roles_of: public(HashMap[address, uint256])
# How many addresses hold the admin role.
admin_count: public(uint256)


event RoleGranted:
    role: indexed(uint256)
    account: indexed(address)
    sender: indexed(address)


event RoleRevoked:
    role: indexed(uint256)
    account: indexed(address)
    sender: indexed(address)


@deploy
def __init__(admin: address):
    """
    @dev Makes `admin` the first admin.
    @param admin The first admin; a multisig in production.
    """
    assert admin != empty(address), "access: admin is the zero address"
    self._grant(admin, ROLE_ADMIN, msg.sender)


@internal
@view
def _has_role(account: address, role: uint256) -> bool:
    """
    @dev Whether `account` holds `role`.
    """
    return self.roles_of[account] & role != 0


@internal
@view
def _check_role(account: address, role: uint256):
    """
    @dev Reverts with a reason naming the missing role unless `account`
         holds `role`.
    """
    if self.roles_of[account] & role != 0:
        return
    # One revert site with the role's name picked here: each site costs
    # ~120 bytes of the contract's 24 KiB.
    reason: String[44] = "access: only a treasurer may do this"
    if role == ROLE_ADMIN:
        reason = "access: only an admin may do this"
    elif role == ROLE_REGISTRAR:
        reason = "access: only a registrar may do this"
    elif role == ROLE_MERCHANT_MANAGER:
        reason = "access: only a merchant manager may do this"
    elif role == ROLE_TASK_MANAGER:
        reason = "access: only a task manager may do this"
    elif role == ROLE_REVIEWER:
        reason = "access: only a reviewer may do this"
    raise reason


@internal
def _grant(account: address, role: uint256, sender: address):
    """
    @dev Grants one role. Granting a role already held changes nothing and
         logs nothing.
    """
    assert role != 0 and role & (role - 1) == 0 and role & ALL_ROLES == role, "access: unknown role"
    assert account != empty(address), "access: account is the zero address"
    held: uint256 = self.roles_of[account]
    if held & role != 0:
        return
    self.roles_of[account] = held | role
    if role == ROLE_ADMIN:
        self.admin_count += 1
    log RoleGranted(role=role, account=account, sender=sender)


@internal
def _revoke(account: address, role: uint256, sender: address):
    """
    @dev Revokes one role. Revoking a role not held changes nothing and logs
         nothing. The last admin cannot be revoked.
    """
    assert role != 0 and role & (role - 1) == 0 and role & ALL_ROLES == role, "access: unknown role"
    held: uint256 = self.roles_of[account]
    if held & role == 0:
        return
    if role == ROLE_ADMIN:
        assert self.admin_count > 1, "access: the last admin cannot be removed"
        self.admin_count -= 1
    self.roles_of[account] = held & ~role
    log RoleRevoked(role=role, account=account, sender=sender)
