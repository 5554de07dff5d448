"""Dose extractor (pipeline/nlp/doses.py) on sentences quoted from the seed documents and ADE-Corpus-V2."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from pipeline.nlp.doses import Dose, DrugQualifiers, find_doses, parse_dose

SEEDS = Path(__file__).resolve().parent.parent / "corpus" / "seeds"

# corpus/seeds/002 (journal article), abstract and results.
ABSTRACT_METHODS = (
    "Methods: In this phase 1/2 study, 52 mRCC patients received outpatient treatment with oral sorafenib 400 mg "
    "twice daily plus intravenous IL-21 (10–50 mcg/kg) on days 1–5 and 15–19 of each 7-week treatment course."
)
ABSTRACT_RESULTS = (
    "Results: In phase 1 (n = 19), the maximum tolerated dose for IL-21 with the standard dose of sorafenib was "
    "determined to be 30 mcg/kg/day; grade 3 skin rash was the only dose-limiting toxicity."
)
DOSE_LEVELS = (
    "In the phase 1 portion, a 3 + 3 dose-escalation design was used to estimate the maximum tolerated dose (MTD) "
    "of IL-21 in combination with the standard dose of sorafenib. Four dose levels of IL-21 (10, 30, 40 and 50 "
    "mcg/kg) were tested in cohorts of up to 6 evaluable patients per dose, starting at the 10 mcg/kg dose level."
)
RP2D = (
    "Hence, 30 mcg/kg was determined to be the recommended Phase 2 dose of IL-21 in combination with sorafenib at "
    "the standard dose of 400 mg twice daily."
)
REDUCED = (
    "most patients who required dose-reductions in sorafenib in our trial tolerated the combination treatment well "
    "at reduced doses of sorafenib (usually 400 mg/day) without recurrence of severe toxicity."
)
METHODS_IV = (
    "by rapid intravenous (IV) injection daily on days 1–5 (week 1) and 15–19 (week 3) of a 7-week treatment "
    "course, in an outpatient treatment setting."
)
# corpus/seeds/001 (machine-paraphrased, noisy copy of 002).
NOISY_SORAFENIB = (
    "Sorafenib was administered on the US FDA accepted dosing routine of 400 mg orally twice everyday beginning on "
    "day one with dose modifications permitted per the package deal insert."
)
NOISY_LEVELS = (
    "4 dose amounts of IL 21 were examined in cohorts of up to 6 evaluable patients per dose, beginning on the ten "
    "mcg kg dose level. Even though the MTD of IL 21 monotherapy was 30 mcg kg from the phase 1 monotherapy trial, "
    "the sole patient treated with 50 mcg day dose in that trial had transient grade three neutro penia that did "
    "not recur with re therapy."
)
NOISY_IV = (
    "Recombinant IL 21 was administered by fast intravenous injection each day on days one five and 15 19 of a "
    "seven week therapy course, in an outpatient treatment setting."
)
# corpus/seeds/000, 003, 004 (ClinicalTrials.gov record pages).
CTGOV_PART2 = (
    "Part 2: rIL-21 IV, Day 1-5 and 15-19 of each 6-week treatment course + sorafenib (up to 400 mg taken orally "
    "twice daily)"
)
CTGOV_OUTLINE = (
    "Patients receive recombinant human interleukin-21 (rIL-21) IV on days 1-5 of weeks 1, 3 and 5. Treatment "
    "repeats every 8 weeks in the absence of disease progression or unacceptable toxicity."
)
CTGOV_PART_A = "Patients enrolled in Part A will receive treatment daily x 5 on weeks 1, 3, and 5 of an 8 week cycle."
CTGOV_PUSH = "Starting dose of 50μg/kg/day as an IV push"
CTGOV_BID = "sorafenib 400 mg bid"


def texts(text: str) -> list[str]:
    return [d.text for d in find_doses(text)]


def only(text: str, span: str) -> Dose:
    matches = [d for d in find_doses(text) if d.text == span]
    assert len(matches) == 1, f"{span!r} not found once in {texts(text)}"
    return matches[0]


def test_nlp_doses_abstract_route_before_amount_and_schedule_after() -> None:
    assert texts(ABSTRACT_METHODS) == ["400 mg twice daily", "10–50 mcg/kg"]
    sorafenib = only(ABSTRACT_METHODS, "400 mg twice daily")
    assert (sorafenib.amount, sorafenib.unit, sorafenib.unit_code) == (400.0, "mg", "C28253")
    assert (sorafenib.route, sorafenib.route_code, sorafenib.route_text) == ("oral", "C38288", "oral")
    assert (sorafenib.frequency, sorafenib.frequency_code, sorafenib.frequency_text) == ("twice daily", "C64496", "twice daily")
    assert sorafenib.schedule is None
    il21 = only(ABSTRACT_METHODS, "10–50 mcg/kg")
    assert (il21.amount, il21.amount_low, il21.amount_high, il21.unit) == (None, 10.0, 50.0, "mcg/kg")
    assert (il21.route, il21.route_code) == ("intravenous", "C38276")
    assert il21.schedule == "days 1–5 and 15–19 of each 7-week treatment course"
    assert ABSTRACT_METHODS[il21.start : il21.end] == "10–50 mcg/kg"


def test_nlp_doses_mtd_determined_to_be_amount() -> None:
    assert texts(ABSTRACT_RESULTS) == ["maximum tolerated dose", "standard dose", "30 mcg/kg/day"]
    mtd = only(ABSTRACT_RESULTS, "30 mcg/kg/day")
    assert (mtd.amount, mtd.unit, mtd.unit_code) == (30.0, "mcg/kg/day", "C73729")
    assert mtd.level == "maximum tolerated dose"
    assert only(ABSTRACT_RESULTS, "standard dose").level == "standard dose"


def test_nlp_doses_list_of_levels_shares_the_unit() -> None:
    assert texts(DOSE_LEVELS) == ["maximum tolerated dose (MTD)", "standard dose", "10", "30", "40", "50 mcg/kg", "10 mcg/kg"]
    listed = find_doses(DOSE_LEVELS)[2:6]
    assert [d.amount for d in listed] == [10.0, 30.0, 40.0, 50.0]
    assert {d.unit for d in listed} == {"mcg/kg"}
    assert only(DOSE_LEVELS, "maximum tolerated dose (MTD)").level == "maximum tolerated dose"


def test_nlp_doses_level_named_after_amount_and_before_it() -> None:
    rp2d = only(RP2D, "30 mcg/kg")
    assert rp2d.level == "recommended phase 2 dose"
    standard = only(RP2D, "400 mg twice daily")
    assert (standard.level, standard.frequency) == ("standard dose", "twice daily")
    assert only(REDUCED, "dose-reductions").level == "dose reduction"
    reduced = only(REDUCED, "400 mg/day")
    assert (reduced.amount, reduced.unit, reduced.unit_code, reduced.level) == (400.0, "mg/day", "C67399", "reduced dose")


def test_nlp_doses_regimen_without_amount_takes_route_and_frequency() -> None:
    (regimen,) = find_doses(METHODS_IV)
    assert regimen.text == "days 1–5 (week 1) and 15–19 (week 3) of a 7-week treatment course"
    assert regimen.schedule == regimen.text
    assert (regimen.route, regimen.route_text) == ("intravenous", "rapid intravenous (IV) injection")
    assert regimen.frequency == "daily"
    assert regimen.amount is None


def test_nlp_doses_noisy_paraphrase() -> None:
    sorafenib = only(NOISY_SORAFENIB, "400 mg orally twice everyday")
    assert (sorafenib.route, sorafenib.frequency, sorafenib.frequency_text) == ("oral", "twice daily", "twice everyday")
    assert sorafenib.schedule == "beginning on day one"
    assert texts(NOISY_LEVELS) == ["ten mcg kg", "MTD", "30 mcg kg", "50 mcg day"]  # "4 dose amounts" is a count
    assert (only(NOISY_LEVELS, "ten mcg kg").amount, only(NOISY_LEVELS, "ten mcg kg").unit) == (10.0, "mcg/kg")
    assert only(NOISY_LEVELS, "30 mcg kg").level == "maximum tolerated dose"
    assert only(NOISY_LEVELS, "50 mcg day").unit == "mcg/day"
    (regimen,) = find_doses(NOISY_IV)
    assert regimen.schedule == "days one five and 15 19 of a seven week therapy course"
    assert (regimen.route, regimen.frequency, regimen.frequency_text) == ("intravenous", "daily", "each day")


def test_nlp_doses_ctgov_intervention_descriptions() -> None:
    assert texts(CTGOV_PART2) == ["Day 1-5 and 15-19 of each 6-week treatment course", "up to 400 mg taken orally twice daily"]
    regimen, sorafenib = find_doses(CTGOV_PART2)
    assert (regimen.route, regimen.route_text, regimen.amount) == ("intravenous", "IV", None)
    assert (sorafenib.amount, sorafenib.upper_bound, sorafenib.unit) == (400.0, True, "mg")
    assert (sorafenib.route, sorafenib.frequency) == ("oral", "twice daily")
    (outline,) = find_doses(CTGOV_OUTLINE)  # "every 8 weeks" alone is a cycle length, not a dose
    assert (outline.text, outline.route) == ("days 1-5 of weeks 1, 3 and 5", "intravenous")
    (part_a,) = find_doses(CTGOV_PART_A)
    assert (part_a.schedule, part_a.frequency, part_a.frequency_text) == (
        "weeks 1, 3, and 5 of an 8 week cycle", "daily", "daily x 5")
    push = only(CTGOV_PUSH, "50μg/kg/day")
    assert (push.unit, push.level, push.route, push.route_code, push.route_text) == (
        "mcg/kg/day", "starting dose", "intravenous bolus", "C38274", "IV push")
    bid = parse_dose(CTGOV_BID)
    assert (bid.text, bid.frequency, bid.frequency_code, bid.frequency_text) == ("400 mg bid", "twice daily", "C64496", "bid")


@pytest.mark.parametrize(
    ("sentence", "spans"),
    [
        ("On the fifth day after administration of a high dose of ARA-C (2 g/m2 intravenously every 12 hours), she "
         "developed bullous lesions on the hands and soles that disseminated, evolving to necrosis, sepsis, and death "
         "on the 22nd day.", ["high dose", "2 g/m2 intravenously every 12 hours"]),
        ("A patient is presented with typical hyperthyroidism, who developed a severe proximal muscle weakness and a "
         "raised creatine phosphokinase after treatment for hyperthyroidism with propylthiouracil (100 mg orally, "
         "three times a day).", ["100 mg orally, three times a day"]),
        ("INTERVENTIONS AND RESULTS: Cardiac complications were observed in five pediatric patients who received "
         "between 4.6 and 40.8 mg/kg/d of amphotericin B.", ["between 4.6 and 40.8 mg/kg/d"]),
        ("We report a case of hypoglycaemia after mefloquine therapy (1,500 mg over two days) for severe "
         "gastrointestinal cryptosporidiasis in a cachectic AIDS patient with protracted diarrhoea.",
         ["1,500 mg over two days"]),
        ("Three days after receiving intravitreal injection of bevacizumab (1.25 mg in 0.1 ml), he developed acute "
         "vision loss and change of consciousness.", ["1.25 mg in 0.1 ml"]),
        ("She continued to receive regular insulin 4 times per day over the following 3 years with only occasional "
         "hives.", ["4 times per day"]),
        ("A 5-month-old infant became lethargic and poorly responsive after receiving 1 drop of brimonidine in each "
         "eye.", ["1 drop"]),
        ("Two patients are described who developed sensory neuropathy after the ingestion of 30.6 and 114 g "
         "metronidazole respectively.", ["30.6", "114 g"]),
        ("We report here a 26-year-old female with diffuse large B-cell lymphoma who died of severe pulmonary "
         "fibrosis 81 days after the administration of high-dose BCNU (600 mg/m2).", ["high-dose", "600 mg/m2"]),
        ("Ibuprofen overdose is usually characterized by GI upset, dizziness, and mild sedation.", ["overdose"]),
        ("A 53-year-old man developed lower leg edema 4 weeks after rosiglitazone was increased from 4 mg once/day "
         "to 4 mg twice/day.", ["4 mg once/day", "4 mg twice/day"]),
        ("In eight patients, a mean decrease in serum Na+ of 8.25 +/- 3.2 mEq/L was observed after a single 200 mg "
         "intravenous dose of lorcainide.", ["200 mg"]),
        ("He was started on oral lansoprazole 60 mg twice daily and, on hospital day 2, his platelet count decreased "
         "to 102 x 10(3)/mm(3); on hospital day 3, the platelet count was 36 x 10(3)/mm(3).", ["60 mg twice daily"]),
    ],
)
def test_nlp_doses_ade_gold_spans(sentence: str, spans: list[str]) -> None:
    assert texts(sentence) == spans


def test_nlp_doses_ade_attributes() -> None:
    ara_c = parse_dose("a high dose of ARA-C (2 g/m2 intravenously every 12 hours)")
    assert ara_c.level == "high dose"
    ara_c = find_doses("a high dose of ARA-C (2 g/m2 intravenously every 12 hours)")[1]
    assert (ara_c.unit, ara_c.unit_code, ara_c.route, ara_c.frequency, ara_c.frequency_code, ara_c.level) == (
        "g/m2", "C67282", "intravenous", "every 12 hours", "C64502", "high dose")
    amphotericin = parse_dose("who received between 4.6 and 40.8 mg/kg/d of amphotericin B.")
    assert (amphotericin.amount_low, amphotericin.amount_high, amphotericin.unit) == (4.6, 40.8, "mg/kg/day")
    insulin = parse_dose("regular insulin 4 times per day over the following 3 years")
    assert (insulin.amount, insulin.frequency, insulin.frequency_code) == (None, "four times daily", "C64530")
    calcitonin = parse_dose("The intramuscular challenge test with 25 UI of Miacalcic was positive")
    assert (calcitonin.text, calcitonin.unit, calcitonin.route) == ("25 UI", "IU", "intramuscular")
    assert parse_dose("after the ingestion of 30.6 and 114 g metronidazole").unit == "g"
    meloxicam = find_doses(
        "We describe a patient who presented with bloody diarrhoea after 15 mg meloxicam daily for 10 days for "
        "osteoarthritis."
    )
    assert [(d.text, d.frequency, d.schedule) for d in meloxicam] == [("15 mg", "daily", "for 10 days")]


@pytest.mark.parametrize(
    ("text", "amount", "unit", "frequency"),
    [
        ("10 mg/kg every 2 weeks", 10.0, "mg/kg", "every 2 weeks"),
        ("1.5 mg/m2 q3w", 1.5, "mg/m2", "every 3 weeks"),
        ("2 x 10(6) IU three times a week", 2_000_000.0, "IU", "three times weekly"),
        ("5,000 units once daily", 5000.0, "U", "daily"),
        ("0.5 mg/kg b.i.d.", 0.5, "mg/kg", "twice daily"),
        ("20 mg qd", 20.0, "mg", "daily"),
        ("30 μg/kg/day weekly", 30.0, "mcg/kg/day", "weekly"),
        ("250 ug every 8 hours", 250.0, "mcg", "every 8 hours"),
        ("two tablets q6h", 2.0, "tablet", "every 6 hours"),
        ("600 mg at 8-hourly intervals", 600.0, "mg", "every 8 hours"),
    ],
)
def test_nlp_doses_amount_unit_frequency_normalized(text: str, amount: float, unit: str, frequency: str) -> None:
    dose = parse_dose(text)
    assert (dose.amount, dose.unit, dose.frequency) == (amount, unit, frequency)


@pytest.mark.parametrize(
    ("text", "route"),
    [
        ("oral sorafenib 400 mg", "oral"),
        ("400 mg PO", "oral"),
        ("10 mg/kg IV", "intravenous"),
        ("100 mg subcutaneously", "subcutaneous"),
        ("pegfilgrastim 6 mg SC", "subcutaneous"),
        ("intramuscular penicillin 2.4 million units", "intramuscular"),
        ("topical tacrolimus 0.1 mg", "topical"),
        ("inhaled budesonide 400 mcg twice daily", "inhalation"),
    ],
)
def test_nlp_doses_routes(text: str, route: str) -> None:
    assert parse_dose(text).route == route


@pytest.mark.parametrize(
    "text",
    [
        "Actual Enrollment : | 52 participants |",  # seed 000
        "The most common grade 3 or higher AEs were skin rash (29%), HFS (24%) and fatigue (9%).",  # seed 002
        "Age in years, Median (range)\t\t63 (48–77)\t61 (46–75)",  # seed 002, Table 1
        "Rash [†]\t31 (94)\t9 (29)\t—",  # seed 002, Table 2
        "7 of the 33 patients (21%) [95% CI: 9, 38.9] had a confirmed PR",  # seed 002
        "the lower limit of quantification of this assay was 0.112 ng/mL.",  # seed 002
        "Hemoglobin > 9.0 g/dl",  # seed 004
        "Serum creatinine < 1.5 x upper limit of normal",  # seed 004
        "(>= 160 mmHg systolic and/or 90 mmHg diastolic)",  # seed 004
        "Received: 25 October 2013 Accepted: 20 January 2014",  # seed 002
        "of a 7-week treatment course",
        "a reversible grade 3 elevation in creatinine 1.5 mg/dL was observed (p = 0.03)",
        "Recurrent melanoma, stage IV melanoma",  # seed 003
        "male Wistar rats weighing 150-200 g",
        # BC5CDR development set: an animal's weight and a clearance.
        "Wistar rats (180 g) were treated by DEN alone or by DEN + PB during 2, 4 and 6 weeks according to our "
        "schedule for hepatocarcinogenesis.",
        "Vd (0.35+/-0.11 l/kg in OD vs. 0.33+/-0.09 l/kg in TD), Cl (0.86+/-0.29 ml/min/kg in OD vs. 1.28+/-0.33 "
        "ml/min/kg in TD).",
    ],
)
def test_nlp_doses_not_doses(text: str) -> None:
    assert find_doses(text) == []


def test_nlp_doses_route_and_frequency_after_the_drug() -> None:
    sentence = (  # BC5CDR development set
        "In a second group, the development of anemia was prevented by rHuEPO (1000 IU/kg) administered s.c. three "
        "times/week starting 7 days before carboplatin application."
    )
    (epo,) = find_doses(sentence)
    assert (epo.text, epo.amount, epo.unit, epo.unit_code) == ("1000 IU/kg", 1000.0, "IU/kg", "C67379")
    assert (epo.route, epo.route_text, epo.frequency, epo.frequency_code) == (
        "subcutaneous", "s.c.", "three times weekly", "C64528")


def test_nlp_doses_stage_iv_is_no_route() -> None:
    dose = parse_dose("patients with stage IV melanoma received 10 mg/kg")
    assert (dose.text, dose.route) == ("10 mg/kg", None)


def test_nlp_doses_whole_article_offsets_and_content() -> None:
    text = (SEEDS / "002_1350d4869f79fc29.txt").read_text(encoding="utf-8")
    doses = find_doses(text)
    assert all(text[d.start : d.end] == d.text for d in doses)
    assert all(a.end <= b.start for a, b in zip(doses, doses[1:]))
    references = text.index("\nReferences\n")
    # After the body, only reference titles that name a qualitative dose ("high-dose interleukin-2").
    assert [d.text for d in doses if d.start > references] == ["high-dose", "high-dose", "low-dose"]
    sorafenib = [d for d in doses if d.amount == 400.0]
    assert len(sorafenib) == 8 and {d.unit for d in sorafenib} == {"mg", "mg/day"}
    assert sum(d.level == "starting dose" for d in sorafenib) == 3  # "(starting at 400 mg twice daily)"
    assert sum(d.text == "30 mcg/kg" for d in doses) == 14  # every "30 mcg/kg" of the article
    assert {d.level for d in doses if d.unit == "mcg/kg/day"} == {"maximum tolerated dose", "optimal dose"}


def test_nlp_doses_ctgov_record_page() -> None:
    text = (SEEDS / "000_934d6b039e80ef19.txt").read_text(encoding="utf-8")
    assert texts(text) == [
        "Day 1-5 and 15-19 of each 6-week treatment course",
        "Day 1-5 and 15-19 of each 6-week treatment course",
        "up to 400 mg taken orally twice daily",
        "recommended dose",
        "recommended dose",
    ]


def test_nlp_doses_long_number_lists_stay_linear() -> None:
    text = "1, " * 20000 + "and 2 and " * 5000
    began = time.perf_counter()
    assert find_doses(text) == []
    assert time.perf_counter() - began < 3.0


def test_nlp_doses_unit_written_without_space_or_with_spaces() -> None:
    # ADE-Corpus-V2: "... with the antracycline dose of at least 30 mg/sqm were used."
    doses = find_doses("with the antracycline dose of at least 30 mg/sqm were used. 2 mg/sq m daily")
    assert [(d.text, d.unit) for d in doses][-2:] == [("30 mg/sqm", "mg/m2"), ("2 mg/sq m daily", "mg/m2")]


def test_doses_birth_weights_and_weight_bounds_are_no_doses():
    # corpus/ctgov/NCT00734539.xml: infants "< 750 g" at birth are not given 750 g of fluconazole
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("trialgraph_sentences")
    nlp.add_pipe("trialgraph_doses")
    texts = {"362 neonates, with a birthweight <750g, were randomized.": [],
             "Fluconazole Prophylaxis in Infants Less Than 750 Grams Birthweight": [],
             "Infants of 600 g birth weight received fluconazole 6 mg/kg.": ["6 mg/kg"],
             "Patients received 2 g cefazolin IV.": ["2 g"]}
    assert {text: [e.text for e in nlp(text).ents] for text in texts} == texts


def test_nlp_doses_drug_qualifiers_are_routes_dose_levels_and_dosage_forms():
    qualifiers = DrugQualifiers.load()
    for text in ("", "low-dose", "Intravenous", "subconjunctival", "spray", "eye drops", "very high-dose oral"):
        assert qualifiers.cover(text), text
    for text in ("regular", "low-molecular-weight", "the", "low-dose regular"):
        assert not qualifiers.cover(text), text


def test_nlp_doses_fixed_dose_combination_gives_one_amount_per_ingredient() -> None:
    doses = find_doses("tenofovir/emtricitabine 300/200 mg once daily")
    assert [(d.text, d.amount, d.unit, d.frequency, d.ingredient) for d in doses] == [
        ("300", 300.0, "mg", "daily", 0), ("200 mg once daily", 200.0, "mg", "daily", 1)]
    assert find_doses("sorafenib 400 mg")[0].ingredient is None


def test_nlp_doses_numbers_before_a_slash_are_not_the_units_amounts() -> None:
    assert texts("grade 3/4 and 10 mg") == ["10 mg"]
    assert texts("5-10/20 mg") == []


def test_nlp_doses_amounts_parted_by_a_slash_and_their_units() -> None:
    doses = find_doses("sulfamethoxazole-trimethoprim 800 mg/160 mg bid")
    assert [(d.amount, d.frequency, d.ingredient) for d in doses] == [(800.0, "twice daily", 0), (160.0, "twice daily", 1)]
    # the volume that holds a dose is no second ingredient
    assert [(d.text, d.ingredient) for d in find_doses("10 mg/2 mL ampoules")] == [("10 mg", None)]
