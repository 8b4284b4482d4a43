from hypothesis import given, settings
from hypothesis import strategies as st

from geo_tracker.normalize import ARTICLES, FoldedText, core_name, fold, skeleton, skeleton_token


def test_fold_treats_article_and_case_forms_alike():
    assert fold("Al-Walid") == fold("al Walid") == fold("AL-WALID") == fold("Al Walid") == "al walid"


def test_fold_arabic_orthography():
    assert fold("إدلب") == fold("ادلب")
    assert fold("الحسكة") == fold("الحسكه")
    assert fold("القامشلى") == fold("القامشلي")
    assert fold("القامـــشلي") == fold("القامشلي")  # tatweel
    assert fold("دَيْر") == fold("دير")  # harakat


def test_fold_diacritics_and_apostrophes():
    assert fold("Qamişlo") == "qamislo"
    assert fold("Al-Ya'rubiyah") == fold("Al-Ya’rubiyah") == fold("Al-Yaʿrubiyah") == "al yarubiyah"
    assert fold("Serêkaniyê") == "serekaniye"


def test_skeleton_merges_transliteration_variants():
    groups = [
        ["Qamishli", "Kamishli", "Qamişlo", "Al-Qamishli"],
        ["Hasakah", "Hassakeh", "Hesekê", "al-Hasaka"],
        ["Deir ez-Zor", "Deir Ezzor", "Dayr az-Zawr"],
        ["Ain Dewar", "Ayn Diwar", "Ein Dewar"],
        ["Rmelan", "Rumeilan"],
        ["Tal Alu", "Tell Alo", "Til Alo"],
        ["Al-Yarubiyah", "Al-Ya'rubiyah", "Yarubiya"],
    ]
    for group in groups:
        assert len({skeleton(n) for n in group}) == 1, group


def test_skeleton_keeps_different_places_apart():
    assert skeleton("Qamishli") != skeleton("Hasakah")
    assert skeleton("Raqqa") != skeleton("Rmelan")


def test_skeleton_article_forms():
    # hyphenated, spaced, joined, assimilated (sun letters) or absent
    for group in (
        ["Al-Qamishli", "el Qamishli", "Alqamishli", "Qamishli"],
        ["Ash-Shaddadi", "as-Shaddadi", "esh-Shaddadi", "Ashshaddadi", "Shaddadi"],
        ["Ar-Raqqa", "er-Raqqa", "Arraqqa", "Alraqqa", "Raqqa"],
        ["Ath-Thawrah", "al-Thawrah"],
    ):
        assert len({skeleton(n) for n in group}) == 1, group
    assert skeleton("Aleppo") != skeleton("eppo")  # "al" before a vowel is part of the name


def test_skeleton_consonant_variants():
    for group in (
        ["Khasham", "Hasham"],  # kh/h
        ["Khmeimim", "Hmeymeem"],
        ["Zakho", "Zaxo"],  # Kurdish x = kh
        ["Dhiban", "Ziban"],  # dh/z
        ["Tal Kocher", "Tal Koçer", "Tel Kojer"],  # ch/ç/j
        ["Jarablus", "Cerablus"],  # Turkish c = j
        ["Shaddadi", "Shadadi", "Şedadî"],  # doubled letters
    ):
        assert len({skeleton(n) for n in group}) == 1, group
    assert len(skeleton("Shaddadi")) >= 3  # vowels between like letters keep them apart


def test_skeleton_nisba_suffixes():
    forms = ["Malikiyah", "Malikiya", "Malikiyeh", "Malikieh", "Malikiye", "Malikiyye", "Al-Malikeyyeh"]
    assert len({skeleton(n) for n in forms}) == 1
    assert skeleton("Amuda") != skeleton("Amadiya")
    assert skeleton("As-Suwayda") != skeleton("Al-Suwaydiyah")


def test_skeleton_glides_and_leading_letters():
    assert skeleton("Sweidiya") == skeleton("Suwaydiyah") == skeleton("Souaidiya")
    assert skeleton("Hawler") == skeleton("Hewlêr")  # w before a consonant is a vowel
    assert skeleton("Ain Issa") == skeleton("Ayn Isa") == skeleton("Ein Eissa")
    assert skeleton("Yarubiyah") != skeleton("Arab")  # a leading y is a consonant


def test_skeleton_arabic_script():
    assert skeleton("بالقامشلي") == skeleton("والقامشلي") == skeleton("القامشلي")
    assert skeleton("للحسكة") == skeleton("الحسكة")
    assert skeleton("هەولێر") == skeleton("هولير")  # Sorani letters, long vowel omitted
    assert skeleton("تل كوچر") == skeleton("تل كوجر")
    assert skeleton("ديرك") == skeleton("ديريك")
    assert skeleton("عامودا") == skeleton("عامودة")  # final alef / taa marbuta
    assert skeleton("الهول") == "هول"  # a short name keeps its vowels
    assert skeleton("الكرامة") != skeleton("الكرمة")


def test_skeleton_codes_are_not_names():
    assert skeleton("ORER") == "" and skeleton("KAC") == ""
    assert skeleton("Order") != ""


def test_core_name_drops_kind_words():
    assert core_name(fold("Al-Waleed border crossing")) == "waleed"
    assert core_name(fold("معبر الوليد الحدودي")) == "وليد"
    assert core_name(fold("Al-Omar oil field")) == "omar"


def test_folded_text_maps_offsets_back():
    text = "Near  Al-Ya'rubiyah, الـقامشلي."
    ft = FoldedText.of(text)
    i = ft.folded.index("al yarubiyah")
    s, e = ft.span(i, i + len("al yarubiyah"))
    assert text[s:e] == "Al-Ya'rubiyah"
    j = ft.folded.index("القامشلي")
    s, e = ft.span(j, j + len("القامشلي"))
    assert text[s:e] == "الـقامشلي"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab -'’ـَQşİ\u200b\n")), max_size=40))
def test_folded_text_spans_always_valid(text):
    ft = FoldedText.of(text)
    for i in range(len(ft.folded)):
        s, e = ft.span(i, i + 1)
        assert 0 <= s < e <= len(text)
        assert fold(text[s:e]) in (ft.folded[i], "", ft.folded[i].strip())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["Al", "Tal", "Qamishli", "Hassakeh", "el", "Ras", "Ain", "Deir", "ez-Zor", "Kobani",
                                 "Sheikh", "Maqsoud", "Yarubiyah", "Omar", "Tell", "Abyad", "SDF", "North"]),
                min_size=1, max_size=4))
def test_a_span_skeleton_starts_with_its_first_token_skeleton(words):
    # Recognition skips every span starting at a token whose skeleton starts no curated key;
    # that is exact only while a span's skeleton begins with its first token's.
    first = fold(words[0]).split()[0]
    if first in ARTICLES or not first.isascii():
        return
    sk = skeleton(" ".join(words))
    assert sk == "" or sk.startswith(skeleton_token(first))
