# pragma version ~=0.4.3
"""
@title Heitje-shaped events, emitted at will
@notice For the indexer's tests: events with the same signatures (so the
        same topic0 and layout) as contracts/Heitje.vy, about whatever task,
        claim or citizen the caller names, with no state and no checks. Made
        a WESH address of the deployment under test, it stands for a Heitje
        that emits an event about a claim that does not exist: what the
        indexer must record as unplaced and then go on.
"""

TRANSFER_TOPIC: constant(bytes32) = keccak256("Transfer(address,address,uint256)")


event TaskClaimed:
    task_id: indexed(uint256)
    citizen_id: indexed(uint256)
    citizen: indexed(address)
    reward: uint256
    expires_at: uint256


event EvidenceSubmitted:
    task_id: indexed(uint256)
    citizen_id: indexed(uint256)
    citizen: indexed(address)
    evidence_cid: String[100]


event SubmissionApproved:
    task_id: indexed(uint256)
    citizen_id: indexed(uint256)
    reviewer: address


event ClaimReleased:
    task_id: indexed(uint256)
    citizen_id: indexed(uint256)
    caller: indexed(address)
    cause: uint8
    returned_to_budget: uint256


@external
def task_claimed(task_id: uint256, citizen_id: uint256, citizen: address, reward: uint256):
    log TaskClaimed(
        task_id=task_id,
        citizen_id=citizen_id,
        citizen=citizen,
        reward=reward,
        expires_at=block.timestamp + 86400,
    )


@external
def evidence_submitted(task_id: uint256, citizen_id: uint256, evidence_cid: String[100]):
    log EvidenceSubmitted(
        task_id=task_id, citizen_id=citizen_id, citizen=msg.sender, evidence_cid=evidence_cid
    )


@external
def submission_approved(task_id: uint256, citizen_id: uint256):
    log SubmissionApproved(task_id=task_id, citizen_id=citizen_id, reviewer=msg.sender)


@external
def claim_released(task_id: uint256, citizen_id: uint256, cause: uint8, returned: uint256):
    log ClaimReleased(
        task_id=task_id,
        citizen_id=citizen_id,
        caller=msg.sender,
        cause=cause,
        returned_to_budget=returned,
    )


@external
def erc721_transfer(receiver: address, token_id: uint256):
    """
    @notice A Transfer with Heitje's topic0 and the ERC-721 layout (the value
            as a fourth topic, no data): a log that cannot be decoded.
    """
    raw_log(
        [
            TRANSFER_TOPIC,
            convert(msg.sender, bytes32),
            convert(receiver, bytes32),
            convert(token_id, bytes32),
        ],
        b"",
    )
