"""CIDs and the content store, neighbourhoods, reasons, and the input-file parsers."""

from __future__ import annotations

from pathlib import Path

import pytest

from wesh import neighbourhoods, reasons, rules
from wesh.csv_rows import InputFileError, parse_address, parse_bank_accounts, parse_citizens
from wesh.metadata import ContentError, FolderStore, cid_of, encode, get_document, is_cid
from wesh.task_files import parse_deadline, parse_duration, parse_tasks

ANVIL_0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"


def test_cid_is_what_ipfs_gives_for_raw_leaves() -> None:
    # `ipfs add --cid-version=1 --raw-leaves` of the 5 bytes "hello".
    assert cid_of(b"hello") == "bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq"
    assert is_cid(cid_of(b"x")) and not is_cid("not-a-cid")


def test_documents_are_canonical_and_verified(tmp_path: Path) -> None:
    a = encode({"b": 1, "a": "Schön"})
    assert a == encode({"a": "Schön", "b": 1}) == '{"a":"Schön","b":1}'.encode()
    store = FolderStore(tmp_path)
    cid = store.put(a)
    assert store.get(cid) == a and get_document(store, cid) == {"a": "Schön", "b": 1}
    (tmp_path / cid).write_bytes(b'{"a":"tampered"}')
    with pytest.raises(ContentError, match="does not match"):
        store.get(cid)
    assert get_document(store, cid) is None
    assert get_document(store, cid_of(b"absent")) is None
    with pytest.raises(ContentError, match="limit"):
        store.put(b"x" * (256 * 1024 + 1))


def test_neighbourhoods_by_name_code_and_location() -> None:
    assert neighbourhoods.lookup("schandelen").code == 4
    assert neighbourhoods.lookup("Nieuw-Lotbroek") == neighbourhoods.lookup("nieuw lotbroek")
    assert neighbourhoods.lookup("15").name == "Hoensbroek"
    codes = [n.code for n in neighbourhoods.NEIGHBOURHOODS]
    assert len(set(codes)) == len(codes) and all(0 < c < 65_536 for c in codes)
    with pytest.raises(neighbourhoods.UnknownNeighbourhood, match="did you mean Musschemig"):
        neighbourhoods.lookup("Muschemig")
    hood = neighbourhoods.lookup("Centrum")
    assert neighbourhoods.check_location(hood, 50.8870, 5.9800) is None
    assert "swapped" in (neighbourhoods.check_location(hood, 5.98, 50.887) or "")
    assert "km from the centre" in (neighbourhoods.check_location(hood, 50.95, 5.9) or "")


def test_reasons_are_bilingual() -> None:
    assert reasons.lookup("photos").code == reasons.lookup("1").code == 1
    assert all(0 < reason.code <= rules.MAX_REASON_CODE for reason in reasons.REASONS)
    text = reasons.text_of(2)
    assert text.index("niet af") < text.index("not finished")  # Dutch first
    with pytest.raises(reasons.UnknownReason, match="photos"):
        reasons.lookup("ugly")


def test_addresses_refuse_typos() -> None:
    assert parse_address(ANVIL_0.lower()) == ANVIL_0
    with pytest.raises(ValueError, match="checksum"):
        parse_address(ANVIL_0[:-1] + "7")
    with pytest.raises(ValueError, match="zero address"):
        parse_address("0x" + "0" * 40)


def test_citizen_file_with_comments_semicolons_and_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(f"\ufeff# export\nAdres;Wijk\n\n{ANVIL_0};Heerlerheide\n# done\n")
    (row,) = parse_citizens(path)
    assert (row.line, row.address, row.neighbourhood) == (4, ANVIL_0, 12)


def test_empty_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="file not found"):
        parse_citizens(tmp_path / "nope.csv")
    (tmp_path / "h.csv").write_text("address,neighbourhood\n")
    with pytest.raises(InputFileError, match="no rows"):
        parse_citizens(tmp_path / "h.csv")
    (tmp_path / "b.csv").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(InputFileError, match="UTF-8"):
        parse_citizens(tmp_path / "b.csv")


def test_bank_accounts_check_every_iban(tmp_path: Path) -> None:
    path = tmp_path / "bank.csv"
    path.write_text(f"address,name,iban,bic\n{ANVIL_0},Shop,NL91ABNA0417164300,ABNANL2A\n")
    (account,) = parse_bank_accounts(path).values()
    assert (account.address, account.iban, account.bic) == (ANVIL_0, "NL91ABNA0417164300",
                                                            "ABNANL2A")  # fmt: skip


def test_durations_and_deadlines() -> None:
    assert (
        parse_duration("14 days") == parse_duration("2 weken") == parse_duration(14) == 14 * 86_400
    )
    assert parse_duration("48h") == parse_duration("48 uur") == 48 * 3600
    with pytest.raises(ValueError):
        parse_duration("soon")
    # The end of the day in Heerlen, summer and winter time alike.
    assert parse_deadline("2026-07-01") == 1782943199  # 2026-07-01T23:59:59+02:00
    assert parse_deadline("2026-12-31") == 1798757999  # 2026-12-31T23:59:59+01:00
    assert parse_deadline("2026-12-31T18:00") == 1798736400


def test_task_csv_reports_every_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        "title,description,neighbourhood,street,lat,lon,reward,slots,claim_deadline,claim_duration\n"
        "A,a,Centrum,Markt,50.888,5.979,5,1,2030-01-01,7d\n"
        "A,a,Centrum,Markt,50.888,5.979,5,1,2030-01-01,7d\n"
        ",b,Centrum,Markt,50.888,5.979,5,1,2030-01-01,7d\n"
        "C,c,Centrum,Markt,50.888,5.979,five,1,2030-01-01,7d\n"
    )
    with pytest.raises(InputFileError) as caught:
        parse_tasks(path, now=1_700_000_000)
    lines = {(e.line, e.message.split(":")[0]) for e in caught.value.errors}
    assert lines == {(3, "duplicate"), (4, "title is missing"), (5, "reward")}


def test_task_category_is_optional_checked_and_kept_in_the_document(tmp_path: Path) -> None:
    header = "title,description,neighbourhood,street,lat,lon,reward,slots,claim_deadline,"
    path = tmp_path / "t.csv"
    path.write_text(
        header + "claim_duration,category\n"
        "Verf,a,Centrum,Markt,50.888,5.979,5,1,2030-01-01,7d,schilderen\n"
        "Niets,b,Centrum,Markt,50.888,5.979,5,1,2030-01-01,7d,\n"
    )
    first, second = parse_tasks(path, now=1_700_000_000)
    assert first.document["category"] == "schilderen"
    assert second.document["category"] == "overig"
    path.write_text(
        header + "claim_duration,category\n"
        "Verf,a,Centrum,Markt,50.888,5.979,5,1,2030-01-01,7d,taarten\n"
    )
    with pytest.raises(InputFileError) as caught:
        parse_tasks(path, now=1_700_000_000)
    assert [e.line for e in caught.value.errors] == [2]
    assert "category 'taarten'" in caught.value.errors[0].message
