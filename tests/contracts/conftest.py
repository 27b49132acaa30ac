"""Fixtures of the contract suite (titanoboa).

Every fixture is session-scoped: the contracts compile and deploy once. Titanoboa's pytest plugin
runs each test (and each fixture, and each hypothesis example) inside `boa.env.anchor()`, so
whatever a test changes, the clock included, is rolled back when it ends.

The role fixtures are the people of the product brief; `heitje` and `redemption` come fully
wired: every role granted to its fixture, `citizen` and `other_citizen` registered, `merchant`
and `other_merchant` registered, budget granted and the Redemption contract named. `flow` holds
the helpers that walk a task through its lifecycle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import boa
import pytest
from contracts_support import (
    BUDGET,
    FORWARDER_SOURCE,
    HEITJE_SOURCE,
    MERCHANT_CID,
    REDEMPTION_SOURCE,
    START,
    Flow,
    People,
    heitje_constant,
)


@pytest.fixture(scope="session", autouse=True)
def start_clock() -> int:
    """Pins the chain clock to START for the whole session (each test rolls back to it)."""
    boa.env.evm.patch.timestamp = START
    return START


@pytest.fixture(scope="session", autouse=True)
def calls_are_transactions() -> Iterator[None]:
    """Ends a transaction after every call a test makes, as a chain does: transient storage
    (EIP-1153) is cleared. Titanoboa runs each call as a bare message and would keep it, so a
    flag a contract sets "for this transaction only" would outlive the transaction."""
    evm = boa.env.evm
    execute = evm.execute_code

    def execute_as_a_transaction(*args: Any, **kwargs: Any) -> Any:
        try:
            return execute(*args, **kwargs)
        finally:
            evm.vm.state.clear_transient_storage()

    evm.execute_code = execute_as_a_transaction
    yield
    evm.execute_code = execute


def _actor(alias: str) -> Any:
    return boa.env.generate_address(alias)


@pytest.fixture(scope="session")
def admin() -> Any:
    return _actor("admin")


@pytest.fixture(scope="session")
def registrar() -> Any:
    return _actor("registrar")


@pytest.fixture(scope="session")
def merchant_manager() -> Any:
    return _actor("merchant_manager")


@pytest.fixture(scope="session")
def task_manager() -> Any:
    return _actor("task_manager")


@pytest.fixture(scope="session")
def reviewer() -> Any:
    return _actor("reviewer")


@pytest.fixture(scope="session")
def second_reviewer() -> Any:
    return _actor("second_reviewer")


@pytest.fixture(scope="session")
def treasurer() -> Any:
    return _actor("treasurer")


@pytest.fixture(scope="session")
def citizen() -> Any:
    return _actor("citizen")


@pytest.fixture(scope="session")
def other_citizen() -> Any:
    return _actor("other_citizen")


@pytest.fixture(scope="session")
def merchant() -> Any:
    return _actor("merchant")


@pytest.fixture(scope="session")
def other_merchant() -> Any:
    return _actor("other_merchant")


@pytest.fixture(scope="session")
def outsider() -> Any:
    return _actor("outsider")


@pytest.fixture(scope="session")
def relayer() -> Any:
    """The city's relayer: sends signed requests to the forwarder and pays; holds no role."""
    return _actor("relayer")


@pytest.fixture(scope="session")
def heitje_deployer() -> Any:
    """Heitje.vy compiled once per session."""
    return boa.load_partial(str(HEITJE_SOURCE))


@pytest.fixture(scope="session")
def forwarder_deployer() -> Any:
    """Forwarder.vy compiled once per session."""
    return boa.load_partial(str(FORWARDER_SOURCE))


@pytest.fixture(scope="session")
def redemption_deployer() -> Any:
    """Redemption.vy compiled once per session."""
    return boa.load_partial(str(REDEMPTION_SOURCE))


@pytest.fixture(scope="session")
def people(
    admin: Any,
    registrar: Any,
    merchant_manager: Any,
    task_manager: Any,
    reviewer: Any,
    second_reviewer: Any,
    treasurer: Any,
    citizen: Any,
    other_citizen: Any,
    merchant: Any,
    other_merchant: Any,
    outsider: Any,
) -> People:
    return People(
        admin,
        registrar,
        merchant_manager,
        task_manager,
        reviewer,
        second_reviewer,
        treasurer,
        citizen,
        other_citizen,
        merchant,
        other_merchant,
        outsider,
    )


@pytest.fixture(scope="session")
def deploy_wesh(
    heitje_deployer: Any,
    redemption_deployer: Any,
    forwarder_deployer: Any,
    people: People,
    start_clock: int,
) -> Callable[..., tuple[Any, Any]]:
    """Deploys a wired pair (Heitje, Redemption) with the given caps, both trusting a forwarder of
    their own (``Heitje.TRUSTED_FORWARDER()``); see the module docstring."""

    def deploy(
        yearly_cap: int | None = None, monthly_cap: int | None = None, budget: int = BUDGET
    ) -> tuple[Any, Any]:
        yearly = heitje_constant("DEFAULT_YEARLY_CAP") if yearly_cap is None else yearly_cap
        monthly = heitje_constant("DEFAULT_MONTHLY_CAP") if monthly_cap is None else monthly_cap
        forwarder = forwarder_deployer.deploy()
        heitje = heitje_deployer.deploy(people.admin, yearly, monthly, forwarder.address)
        redemption = redemption_deployer.deploy(heitje.address)
        with boa.env.prank(people.admin):
            heitje.set_redemption(redemption.address)
            for account, role in people.role_holders().values():
                heitje.grant_role(account, role)
        with boa.env.prank(people.registrar):
            heitje.register_citizens([people.citizen, people.other_citizen], [1, 2])
        with boa.env.prank(people.merchant_manager):
            heitje.register_merchant(people.merchant, MERCHANT_CID)
            heitje.register_merchant(people.other_merchant, MERCHANT_CID)
        with boa.env.prank(people.treasurer):
            heitje.grant_budget(budget)
        return heitje, redemption

    return deploy


@pytest.fixture(scope="session")
def wesh_pair(deploy_wesh: Callable[..., tuple[Any, Any]]) -> tuple[Any, Any]:
    return deploy_wesh()


@pytest.fixture(scope="session")
def heitje(wesh_pair: tuple[Any, Any]) -> Any:
    """The wired Heitje contract (default caps)."""
    return wesh_pair[0]


@pytest.fixture(scope="session")
def redemption(wesh_pair: tuple[Any, Any]) -> Any:
    """The wired Redemption contract."""
    return wesh_pair[1]


@pytest.fixture(scope="session")
def forwarder(heitje: Any, forwarder_deployer: Any) -> Any:
    """The wired Heitje's trusted forwarder (Forwarder.vy at ``heitje.TRUSTED_FORWARDER()``)."""
    return forwarder_deployer.at(heitje.TRUSTED_FORWARDER())


@pytest.fixture(scope="session")
def flow(heitje: Any, redemption: Any, people: People) -> Flow:
    return Flow(heitje, redemption, people)


@pytest.fixture(scope="session")
def flow_for(people: People) -> Callable[[Any, Any], Flow]:
    """A Flow for another deployment (e.g. one with a monthly cap)."""

    def make(heitje: Any, redemption: Any) -> Flow:
        return Flow(heitje, redemption, people)

    return make
