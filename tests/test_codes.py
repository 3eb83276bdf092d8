import pytest

from normalize.codes import canonical_code


@pytest.mark.parametrize(
    "printed, canonical",
    [
        # medical card headers
        ("HS-M1-25", "HS-M1-25"),
        ("HMS- CH1-25", "HMS-CH1-25"),
        ("HMSRO M1-25", "HMSRO-M1-25"),
        ("HE- RI 1-25", "HE-RI1-25"),
        ("INO - MT 1-25", "INO-MT1-25"),
        ("INO- MT 2-25", "INO-MT2-25"),
        ("DAMS-1-25", "DAMS-1-25"),
        # pharmacy card headers
        ("DCHUIS-PM-PH1-25", "DCHUIS-PM-PH1-25"),
        ("HMSRO -PS-PH8-25", "HMSRO-PS-PH8-25"),
        ("DCHUIS- PS-DERS3-25", "DCHUIS-PS-DERS3-25"),
        # nursing and governance card headers
        ("SITS 1", "SITS-01"),
        ("SITS 15", "SITS-15"),
        ("FF 01", "FF-01"),
        ("F.Coop 58", "FCOOP-58"),
        ("F.Com 52", "FCOM-52"),
        ("Managérial FQGR 62", "FQGR-62"),
        # summary lists
        ("FF.01", "FF-01"),
        ("FF-05", "FF-05"),
        ("FAAG.07", "FAAG-07"),
        ("FAJC-59", "FAJC-59"),
    ],
)
def test_canonical_code(printed: str, canonical: str) -> None:
    assert canonical_code(printed) == canonical


@pytest.mark.parametrize("text", ["", "Sous Projet", "Budget", "25"])
def test_not_a_code(text: str) -> None:
    with pytest.raises(ValueError):
        canonical_code(text)
