"""The French normalisation pipeline: what a user types must meet what staff wrote."""

import pytest

from bot.engine.text import Normaliser, fold, stem, tokenize

SMS = {"koi": "quoi", "c": "c'est", "pk": "pourquoi", "ds": "dans", "jsuis": "je suis"}
SYNONYMS = {
    "coworking": ["espace de travail partagé", "bureau partagé", "cotravail"],
    "departement": ["conseil départemental", "conseil général", "cd92"],
}


@pytest.fixture
def normalise() -> Normaliser:
    return Normaliser(SMS, SYNONYMS)


def test_fold_removes_accents_case_and_ligatures() -> None:
    assert fold("Œuvre À L'ÉTÉ") == "oeuvre a l'ete"
    assert fold("Qu’est-ce") == "qu'est-ce"


def test_fold_drops_invisible_and_control_characters() -> None:
    assert fold("ti\u200bers\u202e-lieu\x00\x07") == "tiers-lieu"


def test_tokenize_strips_elisions_and_splits_hyphens() -> None:
    assert tokenize("Qu'est-ce qu’un tiers-lieu, l'atelier d'Issy ?") == [
        "est", "ce", "un", "tiers", "lieu", "atelier", "issy",
    ]


def test_accents_and_typing_style_do_not_matter(normalise: Normaliser) -> None:
    assert normalise("Télécentre ?!") == normalise("telecentre")
    assert normalise("C koi un tiers lieu") == normalise("c'est quoi un tiers-lieu")


def test_sms_forms_are_expanded(normalise: Normaliser) -> None:
    assert "pourquoi" in normalise("pk ?")
    assert normalise("jsuis ds le 92") == normalise("je suis dans le 92")


def test_question_words_survive_stop_word_removal(normalise: Normaliser) -> None:
    for word in ("combien", "comment", "pourquoi", "quand", "qui", "quoi", "ou"):
        assert normalise(f"{word} le tiers-lieu") != normalise("le tiers-lieu"), word


def test_synonyms_meet_on_one_canonical_word(normalise: Normaliser) -> None:
    assert normalise("un espace de travail partagé") == normalise("un bureau partagé")
    assert normalise("le CD92") == normalise("le Conseil général") == normalise(
        "conseil départemental"
    )


def test_stemming_merges_plural_and_verb_forms() -> None:
    assert stem("services") == stem("service")
    assert stem("financements") == stem("financement")


@pytest.mark.parametrize(
    "text",
    ["", "   ", "😊😊", "<b>x</b>", "'; DROP TABLE users; --", "a" * 10_000, "\u202e\u200f"],
)
def test_hostile_input_never_raises(normalise: Normaliser, text: str) -> None:
    assert isinstance(normalise(text), list)


def test_what_is_in_its_two_forms_but_not_what_became_of() -> None:
    from bot.engine.text import Normaliser

    words = Normaliser().words
    assert "kesako" in words("Pourriez-vous me dire ce qu'est un fab lab ?")
    assert "kesako" in words("Qu'est-ce que c'est ?")
    assert "kesako" not in words("ce qu'est devenu le Wic")


def test_an_acute_accent_typed_as_an_apostrophe_is_one() -> None:
    assert tokenize("l´école d´art") == tokenize("l'école d'art") == ["ecole", "art"]


def test_a_variant_becomes_the_wording_the_phrasings_use_most(normalise: Normaliser) -> None:
    # an English message's words meet the knowledge's own (« third place » → « tiers lieu »)
    phrasings = [["un", "espace", "de", "travail", "partage"], ["espace", "de", "travail",
                 "partage", "a", "nanterre"], ["le", "cotravail"]]
    words = normalise.words("un bureau partagé")
    assert normalise.in_usual_words(words, phrasings) == ["un", "espace", "de", "travail",
                                                           "partage"]
    assert normalise.in_usual_words(["rien", "a", "voir"], phrasings) == ["rien", "a", "voir"]


def test_a_pickled_normaliser_leaves_its_english_helpers_behind(normalise: Normaliser) -> None:
    import pickle

    normalise.in_usual_words(["cotravail"], [["cotravail"]] * 1000)
    again = pickle.loads(pickle.dumps(normalise))
    assert again._corpus is None and again(" cotravail") == normalise("cotravail")


def test_only_canonical_words_are_remembered_for_english_messages(normalise: Normaliser) -> None:
    normalise.in_usual_words(["zorglub", "bureau", "partage"], [["cotravail"]])
    assert set(normalise._usual) == {"coworking"}


def test_a_verb_variant_holds_without_its_determiner_before_a_known_word() -> None:
    normalise = Normaliser({}, {
        "creer": ["créer", "lancer", "ouvrir un", "ouvrir une", "monter un"],
        "coworking": ["cotravail"],
        "loinotre": ["loi notre"],
    })
    assert normalise("ouvrir coworking") == normalise("ouvrir un coworking") == ["creer", "coworking"]
    assert normalise("monter cotravail") == ["creer", "coworking"]
    assert normalise("le coworking ouvre quand") == ["coworking", "ouvr", "quand"]
    assert normalise("ouvrir lancer") == [stem("ouvrir"), "creer"]  # a keyword list
    # a name with a determiner in it is no verb: « loi NOTRe »
    assert normalise("loi coworking") == [stem("loi"), "coworking"]


def test_asking_for_information_about_a_topic_is_no_topic(normalise: Normaliser) -> None:
    assert normalise("je voudrais des infos sur le cotravail") == normalise("je voudrais le cotravail")
    assert normalise("parlez-moi du cotravail") == normalise("du cotravail")
    assert "inform" in normalise("vos informations sont à jour ?")  # the assistant's own
    assert "infos" in normalise("plus d'infos sur le cotravail")  # a follow-up keeps its words
