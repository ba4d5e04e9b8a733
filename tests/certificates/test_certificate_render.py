"""Certificates rendered by the real WeasyPrint and read back with pypdf.

What pypdf (7.1) gives back from these PDFs, for the record: WeasyPrint
writes a ToUnicode map from each glyph to the characters of its cluster, so
shaped Arabic comes back as the ordinary Arabic letters (U+0600 block), not
presentation forms, and pypdf puts a right-to-left line back in logical
order. The comparisons still normalise with NFKC and collapse whitespace, so
that a future extractor giving presentation forms passes too.
"""

import functools
import io
import re
import shutil
import unicodedata

import pytest
import segno
from pypdf import PdfReader, PdfWriter

from academy.certificates.render import (
    DEFAULT_DESIGN_DIR,
    DesignError,
    design_fingerprint,
    extract_payload_from_pdf,
    qr_text,
    render_certificate_pdf,
    template_context,
)
from academy.certificates.signing import verify_payload
from academy.pdf import ResourceRefused, make_url_fetcher, missing_characters

LANGUAGES = ["en", "vi", "zh", "ar"]

# Embedded font names are "ABCDEF+" (subset tag) and the @font-face family.
SCRIPT_FONT = {
    "en": "Academy-Noto-Sans",
    "vi": "Academy-Noto-Sans",
    "zh": "Academy-Noto-Sans-SC",
    "ar": "Academy-Noto-Sans-Arabic",
}

CHINESE_NAME = "李昊琪"
ARABIC_NAME = "عمر خالد"


@pytest.fixture(scope="module")
def logo(tmp_path_factory):
    path = tmp_path_factory.mktemp("logo") / "logo.png"
    segno.make("Acme").save(path, kind="png", scale=4)
    return path


@pytest.fixture(scope="module")
def certificates(make_document, logo):
    """One rendered PDF per case, shared by the module: name -> (doc, pdf)."""
    documents = {language: make_document(language) for language in LANGUAGES}
    documents["en"] = make_document("en", organisation_logo=logo)
    documents["zh name on en"] = make_document("en", learner_name=CHINESE_NAME)
    documents["ar name on vi"] = make_document("vi", learner_name=ARABIC_NAME)
    return {case: (doc, render_certificate_pdf(doc)) for case, doc in documents.items()}


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", " ", text).strip()


@functools.lru_cache(maxsize=16)
def pdf_text(pdf: bytes) -> str:
    """The first page's text, normalised (cached: extraction takes 0.1 s)."""
    return normalise(PdfReader(io.BytesIO(pdf)).pages[0].extract_text())


def embedded_fonts(pdf: bytes) -> set[str]:
    fonts = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    return {str(font.get_object()["/BaseFont"]).lstrip("/").split("+", 1)[-1]
            for font in fonts.values()}


# -- text and fonts ----------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
def test_learner_name_appears_in_the_pdf_text(language, certificates):
    doc, pdf = certificates[language]
    assert normalise(doc.learner_name) in pdf_text(pdf)


@pytest.mark.parametrize("language", LANGUAGES)
def test_course_title_appears_in_the_pdf_text(language, certificates):
    doc, pdf = certificates[language]
    assert normalise(doc.course_title) in pdf_text(pdf)


def test_arabic_comes_back_as_base_letters_in_reading_order(certificates):
    doc, pdf = certificates["ar"]
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert doc.learner_name in text
    assert not any("\ufb50" <= char <= "\ufeff" for char in text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_pdf_embeds_the_noto_subset_for_its_script(language, certificates):
    _, pdf = certificates[language]
    assert SCRIPT_FONT[language] in embedded_fonts(pdf)


@pytest.mark.parametrize("language", LANGUAGES)
def test_pdf_embeds_no_font_but_the_shipped_ones(language, certificates):
    _, pdf = certificates[language]
    assert all(name.startswith("Academy-Noto-Sans") for name in embedded_fonts(pdf))


@pytest.mark.parametrize("language", LANGUAGES)
def test_pdf_is_smaller_than_300_kb(language, certificates):
    _, pdf = certificates[language]
    assert len(pdf) < 300 * 1024


def test_date_is_written_the_chinese_way_on_a_chinese_certificate(certificates):
    _, pdf = certificates["zh"]
    assert "2025年3月15日" in pdf_text(pdf)


def test_date_is_written_the_vietnamese_way_on_a_vietnamese_certificate(certificates):
    _, pdf = certificates["vi"]
    assert "15 tháng 3, 2025" in pdf_text(pdf)


def test_tutors_are_listed_the_way_the_language_joins_names(certificates):
    _, pdf = certificates["vi"]
    assert "Trần Văn Đức và Lê Thị Hồng" in pdf_text(pdf)


def test_pdf_declares_the_certificate_language(certificates):
    _, pdf = certificates["zh"]
    assert PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Lang"] == "zh-Hans"


def test_organisation_logo_is_drawn(certificates):
    _, pdf = certificates["en"]
    resources = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]
    images = [x for x in resources["/XObject"].values()
              if x.get_object()["/Subtype"] == "/Image"]
    assert images


# -- a name in another script -----------------------------------------------

def test_a_chinese_name_has_all_its_glyphs():
    assert missing_characters(CHINESE_NAME) == set()


def test_a_chinese_name_is_printed_on_an_english_certificate(certificates):
    _, pdf = certificates["zh name on en"]
    assert CHINESE_NAME in pdf_text(pdf)


def test_a_chinese_name_on_an_english_certificate_uses_the_chinese_font(certificates):
    _, pdf = certificates["zh name on en"]
    assert "Academy-Noto-Sans-SC-Bold" in embedded_fonts(pdf)


def test_an_arabic_name_has_all_its_glyphs():
    assert missing_characters(ARABIC_NAME) == set()


def test_an_arabic_name_is_printed_on_a_vietnamese_certificate(certificates):
    _, pdf = certificates["ar name on vi"]
    assert normalise(ARABIC_NAME) in pdf_text(pdf)


def test_an_arabic_name_on_a_vietnamese_certificate_uses_the_arabic_font(certificates):
    _, pdf = certificates["ar name on vi"]
    assert "Academy-Noto-Sans-Arabic-Bold" in embedded_fonts(pdf)


# -- the template's values ---------------------------------------------------

def test_arabic_certificates_are_right_to_left(make_document):
    assert template_context(make_document("ar"))["dir"] == "rtl"


def test_chinese_certificates_are_marked_simplified_chinese(make_document):
    assert template_context(make_document("zh"))["lang"] == "zh-Hans"


def test_qr_code_holds_the_verify_address_and_the_payload():
    assert qr_text("https://a.example/verify/X", "AC1.b.c") == \
        "https://a.example/verify/X?p=AC1.b.c"


def test_qr_code_adds_the_payload_to_an_address_with_a_query():
    assert qr_text("https://a.example/v?code=X", "AC1.b.c") == \
        "https://a.example/v?code=X&p=AC1.b.c"


# -- the signed payload in the PDF -------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
def test_payload_is_extracted_from_a_rendered_pdf(language, certificates):
    doc, pdf = certificates[language]
    assert extract_payload_from_pdf(pdf) == doc.signed_payload


def test_extracted_payload_verifies(certificates, signing_key):
    doc, pdf = certificates["ar"]
    fields = verify_payload(extract_payload_from_pdf(pdf), signing_key.public_key())
    assert fields["learner_name"] == doc.learner_name


def test_payload_is_found_in_the_text_when_the_metadata_is_stripped(certificates, tmp_path):
    doc, pdf = certificates["zh"]
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    writer.metadata = None
    stripped = tmp_path / "stripped.pdf"
    writer.write(stripped)
    assert PdfReader(stripped).metadata is None
    assert extract_payload_from_pdf(stripped) == doc.signed_payload


def test_a_pdf_without_a_payload_gives_none(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    blank = tmp_path / "blank.pdf"
    writer.write(blank)
    assert extract_payload_from_pdf(blank) is None


def test_a_file_that_is_not_a_pdf_raises_value_error():
    with pytest.raises(ValueError):
        extract_payload_from_pdf(b"not a pdf at all")


# -- reading only our own files ----------------------------------------------

def test_url_fetcher_refuses_http():
    with pytest.raises(ResourceRefused):
        make_url_fetcher([DEFAULT_DESIGN_DIR]).fetch("http://example.org/logo.png")


def test_url_fetcher_refuses_a_file_outside_the_design_and_fonts(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    with pytest.raises(ResourceRefused):
        make_url_fetcher([DEFAULT_DESIGN_DIR]).fetch(outside.as_uri())


def test_url_fetcher_refuses_climbing_out_of_the_design_folder():
    url = (DEFAULT_DESIGN_DIR.as_uri() + "/../../render.py")
    with pytest.raises(ResourceRefused):
        make_url_fetcher([DEFAULT_DESIGN_DIR]).fetch(url)


def test_url_fetcher_reads_the_logo(logo):
    response = make_url_fetcher([DEFAULT_DESIGN_DIR], [logo]).fetch(logo.as_uri())
    assert response.read() == logo.read_bytes()


def test_url_fetcher_reads_the_design_theme():
    response = make_url_fetcher([DEFAULT_DESIGN_DIR]).fetch(
        (DEFAULT_DESIGN_DIR / "theme.css").as_uri())
    assert b"@page" in response.read()


@pytest.fixture
def own_design(tmp_path):
    design = tmp_path / "design"
    shutil.copytree(DEFAULT_DESIGN_DIR, design)
    return design


def test_a_design_that_loads_a_remote_resource_is_refused(own_design, make_document):
    with (own_design / "theme.css").open("a") as theme:
        theme.write("body { background: url(http://example.org/tracker.png); }\n")
    with pytest.raises(DesignError):
        render_certificate_pdf(make_document("en"), own_design)


def test_an_organisation_design_replaces_the_default(own_design, make_document):
    (own_design / "template.html").write_text(
        "<html lang='{{ lang }}'><body><p>Factory award: {{ learner_name }}</p></body></html>")
    pdf = render_certificate_pdf(make_document("en"), own_design)
    assert "Factory award: Margaret Hamilton" in pdf_text(pdf)


def test_a_missing_label_is_a_design_error(make_document):
    doc = make_document("en", labels={"certificate_of_completion": "Certificate"})
    with pytest.raises(DesignError, match="this_certifies_that"):
        render_certificate_pdf(doc)


def test_a_design_folder_without_a_template_is_a_design_error(tmp_path, make_document):
    with pytest.raises(DesignError, match="template.html"):
        render_certificate_pdf(make_document("en"), tmp_path)


def test_design_fingerprint_changes_when_the_theme_changes(own_design):
    before = design_fingerprint(own_design)
    with (own_design / "theme.css").open("a") as theme:
        theme.write(".title { color: red; }\n")
    assert design_fingerprint(own_design) != before


def test_design_fingerprint_is_stable(own_design):
    assert design_fingerprint(own_design) == design_fingerprint(own_design)


# -- an unsafe logo -------------------------------------------------------------

ENTITY_LOGO = (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "Acme Acme Acme">]>'
               b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><text y="15">&a;</text></svg>')


def test_a_logo_with_entity_declarations_is_refused_by_the_renderer(make_document, tmp_path):
    logo = tmp_path / "organisation-logo.svg"
    logo.write_bytes(ENTITY_LOGO)
    with pytest.raises(DesignError, match="organisation logo"):
        render_certificate_pdf(make_document("en", organisation_logo=logo))


def test_a_logo_with_a_script_is_refused_by_the_renderer(make_document, tmp_path):
    logo = tmp_path / "organisation-logo.svg"
    logo.write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    with pytest.raises(DesignError, match="organisation logo"):
        render_certificate_pdf(make_document("en", organisation_logo=logo))


def test_a_plain_svg_logo_is_drawn(make_document, tmp_path):
    logo = tmp_path / "organisation-logo.svg"
    logo.write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><circle cx="20" cy="20" r="18"/></svg>')
    assert render_certificate_pdf(make_document("en", organisation_logo=logo)).startswith(b"%PDF")
